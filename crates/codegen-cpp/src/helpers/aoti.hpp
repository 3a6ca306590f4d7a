[[maybe_unused]] [[noreturn]] AOTI_NOINLINE static void @_fail(int i, const char* a, long long x = 0, const char* b = nullptr, long long y = 0, const char* c = nullptr, long long z = 0, const char* d = nullptr) {
    ::std::string m = i >= 0 ? "input_handles[" + ::std::to_string(i) + "]: " : ::std::string();
    m += a;
    if (b != nullptr) { m += ::std::to_string(x); m += b; }
    if (c != nullptr) { m += ::std::to_string(y); m += c; }
    if (d != nullptr) { m += ::std::to_string(z); m += d; }
    throw ::std::runtime_error(m + "\n");
}
[[maybe_unused]] [[noreturn]] AOTI_NOINLINE static void @_guard_fail(const char* guard, bool ovf, const int* slots, int n, const int64_t* syms) {
    ::std::string m = ::std::string("guard ") + guard + (ovf ? " cannot be evaluated (integer overflow or division by zero)" : " is false");
    for (int k = 0; k < n; ++k) {
        m += k == 0 ? " with " : ", ";
        m += @_symbol_names[slots[k]];
        m += " = ";
        m += ::std::to_string(syms[slots[k]]);
    }
    throw ::std::runtime_error(m + "\n");
}
struct @_tensor { int64_t* size; int64_t* stride; };
// Reads a tensor's metadata once: rank (before any size is read), dtype, device type, sizes, strides.
[[maybe_unused]] $LOAD_ATTR$ void @_load(AtenTensorHandle h, int i, int64_t rank, const char* dtype_msg, int32_t dtype, const char* dtype_text, int32_t device, const char* device_text, @_tensor& t) {
    int64_t dim;
    AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_dim(h, &dim));
    if (dim != rank) @_fail(i, "unmatched rank, expected: ", rank, ", but got: ", dim, "");
    int32_t dt;
    AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_dtype(h, &dt));
    if (dt != dtype) @_fail(i, dtype_msg, dtype, dtype_text, dt, "");
    int32_t dev;
    AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_device_type(h, &dev));
    if (dev != device) @_fail(i, "unmatched device type, expected: ", device, device_text, dev, "");
    AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_sizes(h, &t.size));
    AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch_get_strides(h, &t.stride));
}
[[maybe_unused]] [[noreturn]] AOTI_NOINLINE static void @_sym(int i, int stride, long long d, int k, long long expected, long long got) {
    const ::std::string a = ::std::string(stride ? "unmatched symbolic stride value at " : "unmatched symbolic dim value at ") + ::std::to_string(d) + ", expected: " + @_expr_text[k] + " = ";
    @_fail(i, a.c_str(), expected, ", but got: ", got, "");
}
