// Max and average pooling over NHWC maps. Padding cells never win the max and are left out of
// the average (TensorFlow's 'same' pooling).
#pragma once
#include <cstdint>

#include "conv_geometry.h"

namespace cnn {

// y [out_h, out_w, c] ← max over each window of x [in_h, in_w, c]; argmax holds the winning
// input index (pixel·c + channel) of every output, for the backward pass.
void maxpool_nhwc(const float* x, const ConvGeometry& g, float* y, int32_t* argmax);

// dx [in_h, in_w, c] += dy routed to the winners recorded in argmax.
void maxpool_nhwc_backward_accumulate(const float* dy, const int32_t* argmax, const ConvGeometry& g, float* dx);

// y [out_h, out_w, c] ← the mean of each window of x [in_h, in_w, c] over its cells inside the image.
void avgpool_nhwc(const float* x, const ConvGeometry& g, float* y);

// dx [in_h, in_w, c] += dy shared out evenly over each window's cells inside the image.
void avgpool_nhwc_backward_accumulate(const float* dy, const ConvGeometry& g, float* dx);

}  // namespace cnn
