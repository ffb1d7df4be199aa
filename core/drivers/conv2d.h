// Convolution drivers: each picks the shapes' kernels and slices their work over the thread pool.
// Every output element is computed by one thread, in an order fixed by the shapes alone, so the
// results are bit-identical at any thread count.
//
//   Winograd      3×3 windows at stride 1 (kernels/winograd.h): forward, input and kernel gradient
//   OneChannel    maps with one channel, e.g. a grayscale input (kernels/conv_1channel.h)
//   Im2colGemm    every other shape: im2col and the GEMM (core/layers.cpp)
#pragma once
#include <cstdint>

#include "../kernels/activations.h"
#include "../kernels/conv_geometry.h"

namespace cnn {

enum class ConvAlgorithm { Winograd, OneChannel, Im2colGemm };

ConvAlgorithm conv2d_algorithm(const ConvGeometry& g, int filters);

// Forward: x [B, H, W, C] → y [B, OH, OW, F] = act(conv(x, kernel [KH, KW, C, F]) + bias [F]).
// Backward: dz [B, OH, OW, F] is the gradient after the activation; dkernel and dbias (may be null)
// accumulate, dx (may be null) is overwritten.
void conv2d_winograd_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                             const ConvGeometry& g, int filters, Activation act);
void conv2d_winograd_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                              const float* kernel, int64_t batch, const ConvGeometry& g, int filters);

void conv2d_1channel_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                             const ConvGeometry& g, int filters, Activation act);
void conv2d_1channel_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                              const float* kernel, int64_t batch, const ConvGeometry& g, int filters);

}  // namespace cnn
