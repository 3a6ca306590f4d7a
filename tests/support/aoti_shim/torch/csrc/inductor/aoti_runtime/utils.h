// The project's own small implementation of exactly the AOTI shim subset that symshape's
// generated checks use, for compile-and-run tests without libtorch. Function names, argument
// types and dtype/device codes follow torch/csrc/inductor/aoti_torch/c/shim.h.
#pragma once
#include <cstdint>
#include <cstdlib>
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
}
