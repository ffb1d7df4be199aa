// The depthwise convolution that DepthwiseConv2D and SeparableConv2D share: each input channel c
// is convolved with its own depth_multiplier (M) kernels, giving output channels c·M + m.
#pragma once
#include "core/layer.h"

namespace cnn {

// The window fields DepthwiseConv2D and SeparableConv2D share, read and written in Keras' words:
// kernel_size, strides, padding, data_format, dilation_rate (1 only) and depth_multiplier (M).
struct DepthwiseWindow {
    int kernel_h = 0, kernel_w = 0;
    int stride_h = 1, stride_w = 1;
    int dilation_h = 1, dilation_w = 1;
    int multiplier = 1;
    Padding padding = Padding::Valid;

    void fields(ConfigFields& f);
    // The geometry over `in`; refuses a dilation, a window that does not fit, too many channels.
    ConvGeometry connect(const Shape& in) const;
};

// x [B, H, W, C], kernel [KH, KW, C, M] → y [B, OH, OW, C·M] (overwritten), the window geometry
// and padding of g (g.channels = C).
void depthwise_forward(float* y, const float* x, const float* kernel, int64_t batch, const ConvGeometry& g, int M);

// The mirror: dy [B, OH, OW, C·M] → dkernel += [KH, KW, C, M], dx [B, H, W, C] (overwritten; may be null).
void depthwise_backward(float* dx, float* dkernel, const float* dy, const float* x, const float* kernel, int64_t batch,
                        const ConvGeometry& g, int M);

}  // namespace cnn
