// symshape runtime helpers: overflow-checked int64 arithmetic with floor semantics.
// Every operation sets `ovf` instead of overflowing (no signed-overflow UB for any input).
// No include guard: every generated file defines its own copy in the namespace it is included
// in (named after its --prefix), so files in distinct namespaces or with distinct prefixes share
// one translation unit. Needs <cstdint> and <initializer_list> (the generated file includes them).
namespace symshape_rt {
inline int64_t add(int64_t a, int64_t b, bool& ovf) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) { ovf = true; return 0; }
  return r;
}
inline int64_t sub(int64_t a, int64_t b, bool& ovf) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) { ovf = true; return 0; }
  return r;
}
inline int64_t mul(int64_t a, int64_t b, bool& ovf) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) { ovf = true; return 0; }
  return r;
}
// An n-ary sum is one value (docs/language.md §2): its terms are accumulated exactly in 128 bits
// (|k*t| <= 2^126) and only the sum must fit in int64, whatever the order of its terms.
__extension__ typedef __int128 wide_t;
inline wide_t wide(int64_t v) { return v; }
inline wide_t term(int64_t k, int64_t t) { return static_cast<wide_t>(k) * t; }
inline wide_t wadd(wide_t a, wide_t b, bool& ovf) {
  wide_t r;
  if (__builtin_add_overflow(a, b, &r)) { ovf = true; return 0; }
  return r;
}
inline int64_t narrow(wide_t v, bool& ovf) {
  if (v < INT64_MIN || v > INT64_MAX) { ovf = true; return 0; }
  return static_cast<int64_t>(v);
}
// A polynomial (sums of products, products of sums, powers) is one value (docs/rules.md §8):
// computed exactly in 128 bits, narrowed once. Magnitudes above 2^126 (none fits in int64)
// saturate in products and powers, and make a sum overflow (saturated terms could cancel);
// 2^126 itself (INT64_MIN squared) is exact, as in symshape's evaluation (sym::eval).
constexpr wide_t WIDE_SAT = (static_cast<wide_t>(1) << 126) + 1;
inline wide_t wsat(wide_t v) { return v > WIDE_SAT ? WIDE_SAT : (v < -WIDE_SAT ? -WIDE_SAT : v); }
inline wide_t wterm(int64_t k, wide_t w, bool& ovf) {
  wide_t r;
  if (w >= WIDE_SAT || w <= -WIDE_SAT || __builtin_mul_overflow(w, static_cast<wide_t>(k), &r)) {
    ovf = true;
    return 0;
  }
  return r;
}
inline wide_t wprod(std::initializer_list<wide_t> ws) {
  bool neg = false;
  for (wide_t w : ws) {
    if (w == 0) return 0;
    if (w < 0) neg = !neg;
  }
  wide_t acc = 1;
  for (wide_t w : ws) {
    wide_t m = w < 0 ? -w : w;  // |w| <= WIDE_SAT: no overflow
    wide_t r;
    if (__builtin_mul_overflow(acc, m, &r) || r >= WIDE_SAT) { acc = WIDE_SAT; break; }
    acc = r;
  }
  return neg ? -acc : acc;
}
// A power of a polynomial base (|b| <= WIDE_SAT: saturated by wsat or wprod).
inline wide_t wpow_w(wide_t b, int64_t k) {
  if (b == 0 || b == 1) return b;
  if (b == -1) return (k % 2 == 0) ? 1 : -1;
  bool neg = b < 0 && k % 2 == 1;
  wide_t m = b < 0 ? -b : b;
  wide_t acc = 1;
  for (int64_t i = 0; i < k; ++i) {
    wide_t r;
    if (__builtin_mul_overflow(acc, m, &r) || r >= WIDE_SAT) { acc = WIDE_SAT; break; }
    acc = r;
  }
  return neg ? -acc : acc;
}
inline wide_t wpow(int64_t b, int64_t k) { return wpow_w(static_cast<wide_t>(b), k); }
// An n-ary product: 0 when a factor is 0; otherwise every factor has magnitude >= 1, so the
// running product only grows and overflows only when the product does.
inline int64_t prod(std::initializer_list<int64_t> fs, bool& ovf) {
  for (int64_t f : fs) {
    if (f == 0) return 0;
  }
  int64_t r = 1;
  for (int64_t f : fs) r = mul(r, f, ovf);
  return r;
}
// floor(a / b); a zero divisor or INT64_MIN / -1 sets ovf.
inline int64_t floordiv(int64_t a, int64_t b, bool& ovf) {
  if (b == 0 || (a == INT64_MIN && b == -1)) { ovf = true; return 0; }
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
// ceil(a / b); a zero divisor or INT64_MIN / -1 sets ovf (no negation of a: exact at INT64_MIN).
inline int64_t ceildiv(int64_t a, int64_t b, bool& ovf) {
  if (b == 0 || (a == INT64_MIN && b == -1)) { ovf = true; return 0; }
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) == (b < 0))) ++q;
  return q;
}
// a - b*floor(a / b): the sign of b; a zero divisor sets ovf.
inline int64_t floormod(int64_t a, int64_t b, bool& ovf) {
  if (b == 0) { ovf = true; return 0; }
  if (b == -1) return 0;
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}
// Unchecked forms, printed only where the generator has proven every value within int64
// (never INT64_MIN) and the divisor nonzero from the ranges checked before (cexpr.rs `plain`).
inline int64_t fdiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int64_t cdiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) == (b < 0))) ++q;
  return q;
}
inline int64_t pmod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}
inline int64_t iabs(int64_t a) { return a < 0 ? -a : a; }
inline int64_t min(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max(int64_t a, int64_t b) { return a > b ? a : b; }
inline int64_t abs(int64_t a, bool& ovf) {
  if (a == INT64_MIN) { ovf = true; return 0; }
  return a < 0 ? -a : a;
}
inline int64_t pow(int64_t a, int64_t k, bool& ovf) {
  int64_t r = 1;
  for (int64_t i = 0; i < k; ++i) r = mul(r, a, ovf);
  return r;
}
// Row-major strides of a DLTensor whose `strides` is NULL (compact).
inline int64_t compact_stride(const int64_t* shape, int32_t ndim, int32_t d, bool& ovf) {
  int64_t s = 1;
  for (int32_t i = ndim - 1; i > d; --i) s = mul(s, shape[i] > 1 ? shape[i] : 1, ovf);
  return s;
}
}  // namespace symshape_rt
