// Geometry shared by convolution and pooling windows over NHWC maps, with TensorFlow's
// padding rules: 'valid' out = floor((in - k) / s) + 1; 'same' out = ceil(in / s) with total
// padding max((out - 1)·s + k - in, 0), the odd pixel going to the bottom/right. A dilated
// window (dilation d, Conv2D's dilation_rate) takes every d-th pixel: it spans k = (k0 - 1)·d + 1
// pixels in those rules.
#pragma once
#include <algorithm>
#include <cstdint>

namespace cnn {

enum class Padding { Valid, Same };

struct ConvGeometry {
    int in_h = 0, in_w = 0, channels = 0;  // input map (channels = input channels)
    int kernel_h = 1, kernel_w = 1;        // window
    int stride_h = 1, stride_w = 1;
    int dilation_h = 1, dilation_w = 1;    // tap (i, j) of the window reads pixel (i·dilation_h, j·dilation_w)
    int out_h = 0, out_w = 0;
    int pad_top = 0, pad_left = 0;

    int64_t in_pixels() const { return int64_t(in_h) * in_w; }
    int64_t out_pixels() const { return int64_t(out_h) * out_w; }
    int64_t patch_size() const { return int64_t(kernel_h) * kernel_w * channels; }
    bool dilated() const { return dilation_h != 1 || dilation_w != 1; }
};

inline int padded_output_size(int in, int k, int s, Padding p) {
    return p == Padding::Same ? (in + s - 1) / s : (in >= k ? (in - k) / s + 1 : 0);
}

// The pixels a window of k taps spans at dilation d.
inline int dilated_extent(int k, int d) { return (k - 1) * d + 1; }

inline ConvGeometry make_conv_geometry(int in_h, int in_w, int channels, int kh, int kw, int sh, int sw,
                                       Padding padding, int dh = 1, int dw = 1) {
    ConvGeometry g;
    g.in_h = in_h, g.in_w = in_w, g.channels = channels;
    g.kernel_h = kh, g.kernel_w = kw, g.stride_h = sh, g.stride_w = sw, g.dilation_h = dh, g.dilation_w = dw;
    const int extent_h = dilated_extent(kh, dh), extent_w = dilated_extent(kw, dw);
    g.out_h = padded_output_size(in_h, extent_h, sh, padding);
    g.out_w = padded_output_size(in_w, extent_w, sw, padding);
    if (padding == Padding::Same) {
        g.pad_top = std::max((g.out_h - 1) * sh + extent_h - in_h, 0) / 2;
        g.pad_left = std::max((g.out_w - 1) * sw + extent_w - in_w, 0) / 2;
    }
    return g;
}

}  // namespace cnn
