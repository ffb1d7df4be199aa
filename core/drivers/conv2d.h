// Convolution drivers: conv2d_forward / conv2d_backward pick the algorithm for the shapes, and
// each algorithm's driver slices its kernels' work over the thread pool. Every output element is
// computed by one thread, in an order fixed by the shapes alone, so the results are bit-identical
// at any thread count.
//
//   Winograd      3×3 windows at stride 1 (kernels/winograd.h): forward, input and kernel gradient
//   OneChannel    maps with one channel, e.g. a grayscale input (kernels/conv_1channel.h)
//   Im2colGemm    every other shape, dilated windows too: im2col (kernels/im2col.h) and the GEMM
#pragma once
#include <cstdint>

#include "../kernels/activations.h"
#include "../kernels/conv_geometry.h"

namespace cnn {

enum class ConvAlgorithm { Winograd, OneChannel, Im2colGemm };

ConvAlgorithm conv2d_algorithm(const ConvGeometry& g, int filters);

// Forward: x [B, H, W, C] → y [B, OH, OW, F] = act(conv(x, kernel [KH, KW, C, F]) + bias [F]).
// Backward: dz [B, OH, OW, F] is the gradient before the activation; dkernel and dbias (may be
// null) accumulate, dx (may be null) is overwritten.
// col (and dcol, backward): scratch of conv2d_scratch_floats floats each (none but for im2col).
int64_t conv2d_scratch_floats(const ConvGeometry& g, int filters, int64_t batch);
void conv2d_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                    const ConvGeometry& g, int filters, Activation act, float* col);
void conv2d_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                     int64_t batch, const ConvGeometry& g, int filters, float* col, float* dcol);

// The algorithms' drivers, for the tests and the benchmark.
void conv2d_winograd_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                             const ConvGeometry& g, int filters, Activation act);
void conv2d_winograd_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                              const float* kernel, int64_t batch, const ConvGeometry& g, int filters);

void conv2d_1channel_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                             const ConvGeometry& g, int filters, Activation act);
void conv2d_1channel_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                              const float* kernel, int64_t batch, const ConvGeometry& g, int filters);

void conv2d_im2col_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                           const ConvGeometry& g, int filters, Activation act, float* col);
void conv2d_im2col_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                            const float* kernel, int64_t batch, const ConvGeometry& g, int filters, float* col,
                            float* dcol);

}  // namespace cnn
