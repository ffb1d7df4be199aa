#include "pooling.h"

#include <limits>

namespace cnn {

void maxpool_nhwc(const float* x, const ConvGeometry& g, float* y, int32_t* argmax) {
    const int c = g.channels;
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow, y += c, argmax += c) {
            for (int k = 0; k < c; ++k) {
                y[k] = -std::numeric_limits<float>::infinity();
                argmax[k] = -1;
            }
            for (int i = 0; i < g.kernel_h; ++i) {
                int ih = oh * g.stride_h - g.pad_top + i;
                if (ih < 0 || ih >= g.in_h) continue;
                for (int j = 0; j < g.kernel_w; ++j) {
                    int iw = ow * g.stride_w - g.pad_left + j;
                    if (iw < 0 || iw >= g.in_w) continue;
                    int32_t base = (ih * g.in_w + iw) * c;
                    for (int k = 0; k < c; ++k)
                        if (argmax[k] < 0 || x[base + k] > y[k]) {
                            y[k] = x[base + k];
                            argmax[k] = base + k;
                        }
                }
            }
        }
}

void maxpool_nhwc_backward_accumulate(const float* dy, const int32_t* argmax, const ConvGeometry& g, float* dx) {
    const int64_t n = g.out_pixels() * g.channels;
    for (int64_t o = 0; o < n; ++o)
        if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
}

}  // namespace cnn
