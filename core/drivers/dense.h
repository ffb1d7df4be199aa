// Dense-layer drivers: the GEMMs of a Dense layer in the layout that suits the micro-kernel,
// sliced over the thread pool (each output by one thread, in an order fixed by the shapes).
#pragma once
#include <cstdint>

namespace cnn {

// dx [B, K] = dz [B, N] · kernelᵀ for kernel [K, N]. Computed as dxᵀ [K, B] = kernel · dzᵀ and
// transposed: the kernel is read in place row by row and only dz, small, is packed, where
// dz · kernelᵀ would gather the whole kernel column by column into packed panels every step.
// Each sum runs over N in the same order either way, so the result is the same.
void dense_backward_input(float* dx, const float* dz, const float* kernel, int64_t batch, int64_t in, int64_t units);

}  // namespace cnn
