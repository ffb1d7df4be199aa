#include "im2col.h"

#include <cstring>

namespace cnn {

void im2col_nhwc(const float* x, const ConvGeometry& g, float* col) {
    const int64_t c = g.channels;
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow)
            for (int i = 0; i < g.kernel_h; ++i) {
                int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
                for (int j = 0; j < g.kernel_w; ++j, col += c) {
                    int iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                    const bool inside = ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w;
                    if (c == 1)  // the first layer (grayscale): one float, not a library call per float
                        *col = inside ? x[int64_t(ih) * g.in_w + iw] : 0.0f;
                    else if (!inside)
                        std::memset(col, 0, sizeof(float) * c);
                    else
                        std::memcpy(col, x + (int64_t(ih) * g.in_w + iw) * c, sizeof(float) * c);
                }
            }
}

void col2im_nhwc_accumulate(const float* dcol, const ConvGeometry& g, float* dx) {
    const int64_t c = g.channels;
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow)
            for (int i = 0; i < g.kernel_h; ++i) {
                int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
                for (int j = 0; j < g.kernel_w; ++j, dcol += c) {
                    int iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                    if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
                    float* dst = dx + (int64_t(ih) * g.in_w + iw) * c;
                    for (int64_t k = 0; k < c; ++k) dst[k] += dcol[k];
                }
            }
}

}  // namespace cnn
