#include "depthwise.h"

#include <algorithm>

#include "core/limits.h"
#include "core/parallel.h"
#include "core/refuse.h"
#include "window.h"

namespace cnn {
namespace {

// Calls visit(kernel tap i·KW + j, input pixel ih·W + iw) for each tap of output (oh, ow) that
// falls inside the image.
template <class Visit>
void for_taps(const ConvGeometry& g, int oh, int ow, Visit&& visit) {
    for (int i = 0; i < g.kernel_h; ++i) {
        const int ih = oh * g.stride_h - g.pad_top + i;
        if (ih < 0 || ih >= g.in_h) continue;
        for (int j = 0; j < g.kernel_w; ++j) {
            const int iw = ow * g.stride_w - g.pad_left + j;
            if (iw >= 0 && iw < g.in_w) visit(i * g.kernel_w + j, int64_t(ih) * g.in_w + iw);
        }
    }
}

}  // namespace

void DepthwiseWindow::fields(ConfigFields& f) {
    f.pair("kernel_size", kernel_h, kernel_w, 1, kMaxWindow, ConfigFields::Required);
    f.pair("strides", stride_h, stride_w, 1, kMaxWindow);
    f.padding("padding", padding);
    f.data_format("data_format");
    f.pair("dilation_rate", dilation_h, dilation_w, 1, kMaxWindow);
    f.integer("depth_multiplier", multiplier, 1, kMaxChannels);
}

ConvGeometry DepthwiseWindow::connect(const Shape& in) const {
    if (dilation_h != 1 || dilation_w != 1) refuse("dilation_rate other than 1 is not supported", "dilation_rate");
    const ConvGeometry g = window_geometry(in, kernel_h, kernel_w, stride_h, stride_w, padding, "kernel_size");
    if (int64_t(in.c) * multiplier > kMaxChannels)
        refuse("gives " + std::to_string(int64_t(in.c) * multiplier) + " depthwise channels, more than " +
                   std::to_string(kMaxChannels),
               "depth_multiplier");
    return g;
}

void depthwise_forward(float* y, const float* x, const float* kernel, int64_t batch, const ConvGeometry& g, int M) {
    const int C = g.channels;
    const int64_t CM = int64_t(C) * M, in_size = g.in_pixels() * C, out_size = g.out_pixels() * CM;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b)
            for (int oh = 0; oh < g.out_h; ++oh)
                for (int ow = 0; ow < g.out_w; ++ow) {
                    float* yo = y + b * out_size + (int64_t(oh) * g.out_w + ow) * CM;
                    std::fill(yo, yo + CM, 0.0f);
                    for_taps(g, oh, ow, [&](int tap, int64_t pixel) {
                        const float* xp = x + b * in_size + pixel * C;
                        const float* k = kernel + tap * CM;
                        for (int c = 0; c < C; ++c)
                            for (int m = 0; m < M; ++m) yo[c * M + m] += xp[c] * k[c * M + m];
                    });
                }
    });
}

void depthwise_backward(float* dx, float* dkernel, const float* dy, const float* x, const float* kernel, int64_t batch,
                        const ConvGeometry& g, int M) {
    const int C = g.channels;
    const int64_t CM = int64_t(C) * M, in_size = g.in_pixels() * C, out_size = g.out_pixels() * CM;
    if (dx) std::fill(dx, dx + batch * in_size, 0.0f);
    for (int64_t b = 0; b < batch; ++b)
        for (int oh = 0; oh < g.out_h; ++oh)
            for (int ow = 0; ow < g.out_w; ++ow) {
                const float* dyo = dy + b * out_size + (int64_t(oh) * g.out_w + ow) * CM;
                for_taps(g, oh, ow, [&](int tap, int64_t pixel) {
                    const float* xp = x + b * in_size + pixel * C;
                    const float* k = kernel + tap * CM;
                    float* dk = dkernel + tap * CM;
                    float* dxp = dx ? dx + b * in_size + pixel * C : nullptr;
                    for (int c = 0; c < C; ++c)
                        for (int m = 0; m < M; ++m) {
                            dk[c * M + m] += xp[c] * dyo[c * M + m];
                            if (dxp) dxp[c] += k[c * M + m] * dyo[c * M + m];
                        }
                });
            }
}

}  // namespace cnn
