// Dense-layer drivers: the GEMMs of a Dense layer in the layouts that suit the micro-kernels,
// sliced over the thread pool (each output by one thread, in an order fixed by the shapes).
#pragma once
#include <cstdint>

#include "../kernels/activations.h"

namespace cnn {

// x [B, K] → y [B, N] = act(x · kernel [K, N] + bias [N]); bias may be null.
void dense_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch, int64_t in,
                   int64_t units, Activation act);

// dz [B, N] is the gradient before the activation: dkernel [K, N] += xᵀ · dz, dbias [N] += Σ dz
// (may be null), dx [B, K] = dz · kernelᵀ (may be null).
void dense_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                    int64_t batch, int64_t in, int64_t units);

// dx [B, K] = dz [B, N] · kernelᵀ for kernel [K, N]. Computed as dxᵀ [K, B] = kernel · dzᵀ and
// transposed: the kernel is read in place row by row and only dz, small, is packed, where
// dz · kernelᵀ would gather the whole kernel column by column into packed panels every step.
// Each sum runs over N in the same order either way, so the result is the same.
void dense_backward_input(float* dx, const float* dz, const float* kernel, int64_t batch, int64_t in, int64_t units);

}  // namespace cnn
