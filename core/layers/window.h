// What the kinds that slide a window over an image share (Conv2D, the poolings): the input must
// be an image, and the window must fit it.
#pragma once
#include "core/layer.h"

namespace cnn {

// The geometry of a kh×kw window with strides sh×sw (and dilation dh×dw) over `in`; refuses a
// flat input and a 'valid' window larger than the image, blaming `window_field` ("kernel_size",
// "pool_size").
ConvGeometry window_geometry(const Shape& in, int kh, int kw, int sh, int sw, Padding padding,
                             const char* window_field, int dh = 1, int dw = 1);

// The fields of the pooling kinds (MaxPooling2D, AveragePooling2D): pool_size, strides (None:
// the pool size, as Keras), padding, data_format.
struct PoolWindow {
    int pool_h = 2, pool_w = 2;
    int stride_h = 2, stride_w = 2;
    Padding padding = Padding::Valid;

    void fields(ConfigFields& f);
    ConvGeometry connect(const Shape& in) const;
    Shape output(const ConvGeometry& g) const { return {g.out_h, g.out_w, g.channels, 3}; }
};

// The window of the global poolings (GlobalMaxPooling2D, GlobalAveragePooling2D): the whole image,
// so one value per channel, [C] (or [1, 1, C] with keepdims); fields keepdims, data_format.
struct WholeImageWindow {
    bool keepdims = false;

    void fields(ConfigFields& f);
    ConvGeometry connect(const Shape& in) const;
    Shape output(const ConvGeometry& g) const { return {1, 1, g.channels, keepdims ? 3 : 1}; }
};

}  // namespace cnn
