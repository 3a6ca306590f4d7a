[[maybe_unused]] static int @_fail(char* err, size_t err_len, int i, const char* a, long long x = 0, const char* b = nullptr, long long y = 0, const char* c = nullptr, long long z = 0, const char* d = nullptr) {
    if (err == nullptr || err_len == 0) return 1;
    char p[32] = "", xs[24] = "", ys[24] = "", zs[24] = "";
    if (i >= 0) std::snprintf(p, sizeof p, "inputs[%d]: ", i);
    if (b != nullptr) std::snprintf(xs, sizeof xs, "%lld", x);
    if (c != nullptr) std::snprintf(ys, sizeof ys, "%lld", y);
    if (d != nullptr) std::snprintf(zs, sizeof zs, "%lld", z);
    std::snprintf(err, err_len, "%s%s%s%s%s%s%s%s", p, a, xs, b ? b : "", ys, c ? c : "", zs, d ? d : "");
    return 1;
}
[[maybe_unused]] static int @_guard_fail(char* err, size_t err_len, const char* guard, bool ovf, const int* slots, int n, const int64_t* syms) {
    if (err == nullptr || err_len == 0) return 1;
    int k = std::snprintf(err, err_len, "guard %s%s", guard, ovf ? " cannot be evaluated (integer overflow or division by zero)" : " is false");
    for (int j = 0; j < n && k >= 0 && static_cast<size_t>(k) < err_len; ++j) {
        int w = std::snprintf(err + k, err_len - static_cast<size_t>(k), "%s%s = %lld", j == 0 ? " with " : ", ", @_symbol_names[slots[j]], static_cast<long long>(syms[slots[j]]));
        if (w < 0) break;
        k += w;
    }
    return 1;
}
struct @_tensor { const int64_t* size; const int64_t* stride; };
// Reads a tensor's metadata once: null, rank (before any size is read), dtype, device type; a NULL
// strides pointer means compact row-major strides (computed into stride_buf, overflow-checked).
[[maybe_unused]] static int @_load(const DLTensor* x, int i, int32_t rank, int code, int bits, int lanes, const char* dtype_text, int device, const char* device_text, int64_t* stride_buf, @_tensor& t, char* err, size_t err_len) {
    if (x == nullptr) return @_fail(err, err_len, i, "is null");
    if (x->ndim != rank) return @_fail(err, err_len, i, "unmatched rank, expected: ", rank, ", but got: ", x->ndim, "");
    if (x->dtype.code != code || x->dtype.bits != bits || x->dtype.lanes != lanes) return @_fail(err, err_len, i, dtype_text, x->dtype.code, "/", x->dtype.bits, "/", x->dtype.lanes, "");
    const int dev = static_cast<int>(x->device.device_type);
    if (dev != device) return @_fail(err, err_len, i, "unmatched device type, expected: ", device, device_text, dev, "");
    t.size = x->shape;
    if (x->strides != nullptr) {
        t.stride = x->strides;
        return 0;
    }
    bool ovf = false;
    for (int32_t d = 0; d < rank; ++d) stride_buf[d] = @_rt::compact_stride(x->shape, rank, d, ovf);
    if (ovf) return @_fail(err, err_len, i, "integer overflow computing compact strides");
    t.stride = stride_buf;
    return 0;
}
[[maybe_unused]] static int @_sym(char* err, size_t err_len, int i, int stride, long long d, int k, long long expected, long long got) {
    char a[512];
    std::snprintf(a, sizeof a, "%s%lld, expected: %s = ", stride ? "unmatched symbolic stride value at " : "unmatched symbolic dim value at ", d, @_expr_text[k]);
    return @_fail(err, err_len, i, a, expected, ", but got: ", got, "");
}
