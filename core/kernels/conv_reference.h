// Convolution the obvious way, summed in double: the reference the fast convolution kernels
// (im2col + GEMM, Winograd, direct) are tested and benchmarked against. One NHWC image each;
// kernel [KH, KW, C, F] (Keras layout).
#pragma once
#include "conv_geometry.h"

namespace cnn {

// y [OH, OW, F] = conv(x [H, W, C], kernel) + bias (bias may be null).
void conv2d_reference_forward(const float* x, const float* kernel, const float* bias, const ConvGeometry& g, int F,
                              float* y);
// dx [H, W, C] = the gradient of Σ dy ⊙ y with respect to x.
void conv2d_reference_backward_input(const float* dy, const float* kernel, const ConvGeometry& g, int F, float* dx);
// dkernel [KH, KW, C, F] += the gradient of Σ dy ⊙ y with respect to the kernel.
void conv2d_reference_backward_kernel(const float* dy, const float* x, const ConvGeometry& g, int F, float* dkernel);

}  // namespace cnn
