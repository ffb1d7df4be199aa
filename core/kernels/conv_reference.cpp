#include "conv_reference.h"

#include <vector>

namespace cnn {
namespace {

// Calls visit(output pixel, input pixel, tap) for every tap of the window that lands inside x.
template <class Visit>
void for_each_tap(const ConvGeometry& g, Visit visit) {
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow)
            for (int i = 0; i < g.kernel_h; ++i)
                for (int j = 0; j < g.kernel_w; ++j) {
                    const int ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
                    const int iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                    if (ih < 0 || iw < 0 || ih >= g.in_h || iw >= g.in_w) continue;
                    visit(int64_t(oh) * g.out_w + ow, int64_t(ih) * g.in_w + iw, int64_t(i) * g.kernel_w + j);
                }
}

}  // namespace

void conv2d_reference_forward(const float* x, const float* kernel, const float* bias, const ConvGeometry& g, int F,
                              float* y) {
    const int64_t C = g.channels;
    std::vector<double> sum(g.out_pixels() * F, 0.0);
    for_each_tap(g, [&](int64_t o, int64_t in, int64_t tap) {
        for (int64_t c = 0; c < C; ++c)
            for (int f = 0; f < F; ++f) sum[o * F + f] += double(x[in * C + c]) * kernel[(tap * C + c) * F + f];
    });
    for (int64_t o = 0; o < g.out_pixels(); ++o)
        for (int f = 0; f < F; ++f) y[o * F + f] = float(sum[o * F + f] + (bias ? bias[f] : 0.0));
}

void conv2d_reference_backward_input(const float* dy, const float* kernel, const ConvGeometry& g, int F, float* dx) {
    const int64_t C = g.channels;
    std::vector<double> sum(g.in_pixels() * C, 0.0);
    for_each_tap(g, [&](int64_t o, int64_t in, int64_t tap) {
        for (int64_t c = 0; c < C; ++c)
            for (int f = 0; f < F; ++f) sum[in * C + c] += double(dy[o * F + f]) * kernel[(tap * C + c) * F + f];
    });
    for (int64_t i = 0; i < g.in_pixels() * C; ++i) dx[i] = float(sum[i]);
}

void conv2d_reference_backward_kernel(const float* dy, const float* x, const ConvGeometry& g, int F, float* dkernel) {
    const int64_t C = g.channels;
    std::vector<double> sum(int64_t(g.kernel_h) * g.kernel_w * C * F, 0.0);
    for_each_tap(g, [&](int64_t o, int64_t in, int64_t tap) {
        for (int64_t c = 0; c < C; ++c)
            for (int f = 0; f < F; ++f) sum[(tap * C + c) * F + f] += double(x[in * C + c]) * dy[o * F + f];
    });
    for (size_t i = 0; i < sum.size(); ++i) dkernel[i] += float(sum[i]);
}

}  // namespace cnn
