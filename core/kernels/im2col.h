// im2col for one NHWC image: each output pixel's receptive field becomes a row, in the order
// (kh, kw, c) of a Keras kernel [kh, kw, c, filters], so convolution is col · kernel.
#pragma once
#include "conv_geometry.h"

namespace cnn {

// col [out_h·out_w, kh·kw·c] ← x [in_h, in_w, c]; padding cells are 0.
void im2col_nhwc(const float* x, const ConvGeometry& g, float* col);

// dx [in_h, in_w, c] += the rows of dcol [out_h·out_w, kh·kw·c] folded back (the adjoint of im2col).
void col2im_nhwc_accumulate(const float* dcol, const ConvGeometry& g, float* dx);

}  // namespace cnn
