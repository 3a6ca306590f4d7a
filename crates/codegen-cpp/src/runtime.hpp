// symshape runtime helpers: overflow-checked int64 arithmetic with floor semantics.
// Every operation sets `ovf` instead of overflowing (no signed-overflow UB for any input).
#ifndef SYMSHAPE_RUNTIME_HPP
#define SYMSHAPE_RUNTIME_HPP
#include <cstdint>
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
// floor(a / b); a zero divisor or INT64_MIN / -1 sets ovf.
inline int64_t floordiv(int64_t a, int64_t b, bool& ovf) {
  if (b == 0 || (a == INT64_MIN && b == -1)) { ovf = true; return 0; }
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
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
#endif
