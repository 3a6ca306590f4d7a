// The project's own small implementation of exactly the AOTI shim subset that symshape's
// generated checks use, for compile-and-run tests without libtorch. Function names, argument
// types and dtype/device codes follow torch/csrc/inductor/aoti_torch/c/shim.h.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

struct SymshapeFakeTensor {
  int32_t dtype = 6;
  int32_t device_type = 0;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
  int64_t ival = 0;
  double fval = 0.0;
  // The prologue's subset (allocation and views): bytes shared by views, and the offset into
  // them in elements of `dtype`, as a c10 StorageImpl and storage_offset.
  std::shared_ptr<std::vector<unsigned char>> storage;
  int64_t storage_offset = 0;
};
using AtenTensorOpaque = SymshapeFakeTensor;
using AtenTensorHandle = AtenTensorOpaque*;
using AOTITorchError = int32_t;
#define AOTI_TORCH_SUCCESS 0
#define AOTI_TORCH_FAILURE 1
#define AOTI_TORCH_ERROR_CODE_CHECK(call)                                   \
  if ((call) != AOTI_TORCH_SUCCESS) {                                       \
    throw std::runtime_error(std::string("API call failed: ") + #call);     \
  }
#define AOTI_NOINLINE __attribute__((noinline))

extern "C" {
inline AOTITorchError aoti_torch_get_dim(AtenTensorHandle t, int64_t* r) {
  if (!t) return AOTI_TORCH_FAILURE;
  *r = static_cast<int64_t>(t->sizes.size());
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_get_sizes(AtenTensorHandle t, int64_t** r) {
  if (!t) return AOTI_TORCH_FAILURE;
  *r = t->sizes.data();
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_get_strides(AtenTensorHandle t, int64_t** r) {
  if (!t) return AOTI_TORCH_FAILURE;
  *r = t->strides.data();
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_get_dtype(AtenTensorHandle t, int32_t* r) {
  if (!t) return AOTI_TORCH_FAILURE;
  *r = t->dtype;
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_get_device_type(AtenTensorHandle t, int32_t* r) {
  if (!t) return AOTI_TORCH_FAILURE;
  *r = t->device_type;
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_item_int64(AtenTensorHandle t, int64_t* r) {
  if (!t || !t->sizes.empty()) return AOTI_TORCH_FAILURE;
  *r = t->ival;
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_item_float64(AtenTensorHandle t, double* r) {
  if (!t || !t->sizes.empty()) return AOTI_TORCH_FAILURE;
  *r = t->fval;
  return AOTI_TORCH_SUCCESS;
}
// c10::ScalarType codes.
inline int32_t aoti_torch_dtype_uint8() { return 0; }
inline int32_t aoti_torch_dtype_int8() { return 1; }
inline int32_t aoti_torch_dtype_int16() { return 2; }
inline int32_t aoti_torch_dtype_int32() { return 3; }
inline int32_t aoti_torch_dtype_int64() { return 4; }
inline int32_t aoti_torch_dtype_float16() { return 5; }
inline int32_t aoti_torch_dtype_float32() { return 6; }
inline int32_t aoti_torch_dtype_float64() { return 7; }
inline int32_t aoti_torch_dtype_complex32() { return 8; }
inline int32_t aoti_torch_dtype_complex64() { return 9; }
inline int32_t aoti_torch_dtype_complex128() { return 10; }
inline int32_t aoti_torch_dtype_bool() { return 11; }
inline int32_t aoti_torch_dtype_bfloat16() { return 15; }
inline int32_t aoti_torch_dtype_float8_e5m2() { return 23; }
inline int32_t aoti_torch_dtype_float8_e4m3fn() { return 24; }
inline int32_t aoti_torch_dtype_float8_e5m2fnuz() { return 25; }
inline int32_t aoti_torch_dtype_float8_e4m3fnuz() { return 26; }
inline int32_t aoti_torch_dtype_uint16() { return 27; }
inline int32_t aoti_torch_dtype_uint32() { return 28; }
inline int32_t aoti_torch_dtype_uint64() { return 29; }
inline int32_t aoti_torch_dtype_float8_e8m0fnu() { return 44; }

inline int64_t symshape_shim_itemsize(int32_t dtype) {
  switch (dtype) {
    case 0: case 1: case 11: case 23: case 24: case 25: case 26: case 44: return 1;
    case 2: case 5: case 15: case 27: return 2;
    case 3: case 6: case 8: case 28: return 4;
    case 4: case 7: case 9: case 29: return 8;
    case 10: return 16;
    default: return 0;
  }
}
inline AOTITorchError aoti_torch_get_data_ptr(AtenTensorHandle t, void** r) {
  if (!t || !t->storage) return AOTI_TORCH_FAILURE;
  *r = t->storage->data() + t->storage_offset * symshape_shim_itemsize(t->dtype);
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_get_storage_offset(AtenTensorHandle t, int64_t* r) {
  if (!t) return AOTI_TORCH_FAILURE;
  *r = t->storage_offset;
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_delete_tensor_object(AtenTensorHandle t) {
  delete t;
  return AOTI_TORCH_SUCCESS;
}
// Elements of storage a layout needs (0 when empty), as c10's computeStorageNbytes.
inline int64_t symshape_shim_extent(const std::vector<int64_t>& s, const std::vector<int64_t>& st, int64_t off) {
  int64_t n = 1 + off;
  for (size_t d = 0; d < s.size(); ++d) {
    if (s[d] == 0) return 0;
    n += (s[d] - 1) * st[d];
  }
  return n;
}
inline AOTITorchError aoti_torch_empty_strided(int64_t ndim, const int64_t* sizes, const int64_t* strides, int32_t dtype, int32_t device_type, int32_t device_index, AtenTensorHandle* ret) {
  (void)device_index;
  auto* t = new SymshapeFakeTensor();
  t->dtype = dtype;
  t->device_type = device_type;
  t->sizes.assign(sizes, sizes + ndim);
  t->strides.assign(strides, strides + ndim);
  t->storage = std::make_shared<std::vector<unsigned char>>(
      static_cast<size_t>(symshape_shim_extent(t->sizes, t->strides, 0) * symshape_shim_itemsize(dtype)));
  *ret = t;
  return AOTI_TORCH_SUCCESS;
}
inline AOTITorchError aoti_torch_new_tensor_handle(AtenTensorHandle self, AtenTensorHandle* ret) {
  if (!self) return AOTI_TORCH_FAILURE;
  *ret = new SymshapeFakeTensor(*self);
  return AOTI_TORCH_SUCCESS;
}
// as_strided: the same storage, in bounds (PyTorch's setStorage check), strides >= 0.
inline AOTITorchError aoti_torch__reinterpret_tensor(AtenTensorHandle self, int64_t ndim, const int64_t* sizes, const int64_t* strides, int64_t offset, AtenTensorHandle* ret) {
  if (!self || !self->storage || offset < 0) return AOTI_TORCH_FAILURE;
  auto* t = new SymshapeFakeTensor(*self);
  t->sizes.assign(sizes, sizes + ndim);
  t->strides.assign(strides, strides + ndim);
  for (int64_t st : t->strides) {
    if (st < 0) { delete t; return AOTI_TORCH_FAILURE; }
  }
  t->storage_offset = offset;
  if (symshape_shim_extent(t->sizes, t->strides, offset) * symshape_shim_itemsize(t->dtype) > static_cast<int64_t>(t->storage->size())) {
    delete t;
    return AOTI_TORCH_FAILURE;
  }
  *ret = t;
  return AOTI_TORCH_SUCCESS;
}
// Tensor::view(dtype): the same item size keeps the layout; otherwise the last dim has stride
// 1 and the last size, the other strides and the offset are rescaled (exactly divisible).
inline AOTITorchError aoti_torch_cpu_view_dtype(AtenTensorHandle self, int32_t dtype, AtenTensorHandle* ret) {
  if (!self) return AOTI_TORCH_FAILURE;
  const int64_t a = symshape_shim_itemsize(self->dtype), b = symshape_shim_itemsize(dtype);
  auto* t = new SymshapeFakeTensor(*self);
  t->dtype = dtype;
  if (a != b) {
    const size_t n = t->sizes.size();
    if (n == 0 || t->strides[n - 1] != 1) { delete t; return AOTI_TORCH_FAILURE; }
    if (b > a) {
      const int64_t r = b / a;
      if (t->sizes[n - 1] % r != 0 || t->storage_offset % r != 0) { delete t; return AOTI_TORCH_FAILURE; }
      for (size_t d = 0; d + 1 < n; ++d) {
        if (t->strides[d] % r != 0) { delete t; return AOTI_TORCH_FAILURE; }
        t->strides[d] /= r;
      }
      t->sizes[n - 1] /= r;
      t->storage_offset /= r;
    } else {
      const int64_t r = a / b;
      for (size_t d = 0; d + 1 < n; ++d) t->strides[d] *= r;
      t->sizes[n - 1] *= r;
      t->storage_offset *= r;
    }
  }
  *ret = t;
  return AOTI_TORCH_SUCCESS;
}
}

// The RAII handle and wrappers of AOTI's utils.h that the prologue uses.
class RAIIAtenTensorHandle {
 public:
  RAIIAtenTensorHandle() = default;
  explicit RAIIAtenTensorHandle(AtenTensorHandle h) : h_(h) {}
  RAIIAtenTensorHandle(const RAIIAtenTensorHandle&) = delete;
  RAIIAtenTensorHandle& operator=(const RAIIAtenTensorHandle&) = delete;
  RAIIAtenTensorHandle(RAIIAtenTensorHandle&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  RAIIAtenTensorHandle& operator=(RAIIAtenTensorHandle&& o) noexcept {
    if (this != &o) { aoti_torch_delete_tensor_object(h_); h_ = o.h_; o.h_ = nullptr; }
    return *this;
  }
  ~RAIIAtenTensorHandle() { aoti_torch_delete_tensor_object(h_); }
  operator AtenTensorHandle() const { return h_; }
  AtenTensorHandle get() const { return h_; }
 private:
  AtenTensorHandle h_ = nullptr;
};
inline AtenTensorHandle reinterpret_tensor_wrapper(AtenTensorHandle self, int64_t ndim, const int64_t* sizes, const int64_t* strides, int64_t offset) {
  AtenTensorHandle result = nullptr;
  AOTI_TORCH_ERROR_CODE_CHECK(aoti_torch__reinterpret_tensor(self, ndim, sizes, strides, offset, &result));
  return result;
}
inline RAIIAtenTensorHandle wrap_with_raii_handle_if_needed(AtenTensorHandle h) { return RAIIAtenTensorHandle(h); }
// The real utils.h declares its C++ part (RAIIAtenTensorHandle, ...) in this namespace; the
// generated prologue brings it in with `using namespace ::torch::aot_inductor;` so that it
// compiles inside or outside the namespace. The shim keeps its C++ part global (the tests
// define their stand-in model class in a namespace of their own) and only declares the name.
namespace torch::aot_inductor {}
