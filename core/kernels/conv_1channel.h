// Direct convolution of a map with one channel (a grayscale input: the first layer of an MNIST
// model). im2col + GEMM would multiply with K = KH·KW (9), too short to pay for the micro-kernel's
// loads and stores of C; here every tap is one pixel broadcast against a vector of filters.
// One image per call; kernel [KH, KW, 1, F] (Keras layout); any window, stride and padding.
#pragma once
#include <cstdint>

#include "activations.h"
#include "conv_geometry.h"

namespace cnn {

// y [OH, OW, F] = act(conv(x [H, W, 1], kernel) + bias); bias may be null; act Linear or Relu.
void conv_1channel_forward(const float* x, const float* kernel, const float* bias, const ConvGeometry& g, int64_t F,
                           Activation act, float* y);

// dkernel [KH, KW, 1, F] += Σ over pixels of x · dy [OH, OW, F].
void conv_1channel_backward_kernel(const float* dy, const float* x, const ConvGeometry& g, int64_t F, float* dkernel);

// dx [H, W, 1] = the input gradient of dy [OH, OW, F].
void conv_1channel_backward_input(const float* dy, const float* kernel, const ConvGeometry& g, int64_t F, float* dx);

}  // namespace cnn
