// The depthwise convolution that DepthwiseConv2D and SeparableConv2D share: each input channel c
// is convolved with its own depth_multiplier (M) kernels, giving output channels c·M + m.
#pragma once
#include "core/layer.h"

namespace cnn {

// x [B, H, W, C], kernel [KH, KW, C, M] → y [B, OH, OW, C·M] (overwritten), the window geometry
// and padding of g (g.channels = C).
void depthwise_forward(float* y, const float* x, const float* kernel, int64_t batch, const ConvGeometry& g, int M);

// The mirror: dy [B, OH, OW, C·M] → dkernel += [KH, KW, C, M], dx [B, H, W, C] (overwritten; may be null).
void depthwise_backward(float* dx, float* dkernel, const float* dy, const float* x, const float* kernel, int64_t batch,
                        const ConvGeometry& g, int M);

}  // namespace cnn
