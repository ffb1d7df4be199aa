#include "pooling.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "simd.h"

namespace cnn {

// Channels in SIMD lanes: each lane keeps its running max and the index it came from. A later
// value wins only if it is greater, so the first of equal values wins, as in a scalar loop.
void maxpool_nhwc(const float* x, const ConvGeometry& g, float* y, int32_t* argmax) {
    using ibatch = xsimd::batch<int32_t>;
    static_assert(ibatch::size == fbatch::size && kLanes <= 16, "an index per float lane");
    static constexpr int32_t kIota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const int c = g.channels;
    for (int oh = 0; oh < g.out_h; ++oh) {
        const int top = oh * g.stride_h - g.pad_top;
        const int i0 = std::max(0, -top), i1 = std::min(g.kernel_h, g.in_h - top);
        for (int ow = 0; ow < g.out_w; ++ow, y += c, argmax += c) {
            const int left = ow * g.stride_w - g.pad_left;
            const int j0 = std::max(0, -left), j1 = std::min(g.kernel_w, g.in_w - left);
            if (i0 >= i1 || j0 >= j1) {  // a window of padding only
                std::fill(y, y + c, -std::numeric_limits<float>::infinity());
                std::fill(argmax, argmax + c, -1);
                continue;
            }
            const int32_t first = ((top + i0) * g.in_w + left + j0) * c;
            for_each_lane_block(c, [&](auto lane, int64_t k) {
                using T = decltype(lane);
                using I = std::conditional_t<std::is_same_v<T, float>, int32_t, ibatch>;
                I lane_index;
                if constexpr (std::is_same_v<T, float>) lane_index = int32_t(k);
                else lane_index = ibatch::load_unaligned(kIota) + ibatch(int32_t(k));
                T best = load_lanes<T>(x + first + k);
                I index = lane_index + I(first);
                for (int i = i0; i < i1; ++i)
                    for (int j = j0; j < j1; ++j) {
                        const int32_t base = ((top + i) * g.in_w + left + j) * c;
                        const T v = load_lanes<T>(x + base + k);
                        if constexpr (std::is_same_v<T, float>) {
                            if (v > best) best = v, index = lane_index + base;
                        } else {
                            const auto greater = v > best;
                            best = xsimd::select(greater, v, best);
                            index = xsimd::select(xsimd::batch_bool_cast<int32_t>(greater), lane_index + ibatch(base), index);
                        }
                    }
                store_lanes(y + k, best);
                if constexpr (std::is_same_v<T, float>) argmax[k] = index;
                else index.store_unaligned(argmax + k);
            });
        }
    }
}

void maxpool_nhwc_backward_accumulate(const float* dy, const int32_t* argmax, const ConvGeometry& g, float* dx) {
    const int64_t n = g.out_pixels() * g.channels;
    for (int64_t o = 0; o < n; ++o)
        if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
}

namespace {

// Calls visit(input offset of the pixel) for each cell of output (oh, ow)'s window inside the
// image, after count(number of such cells).
template <class Count, class Visit>
void for_window(const ConvGeometry& g, int oh, int ow, Count&& count, Visit&& visit) {
    const int h0 = std::max(0, oh * g.stride_h - g.pad_top), h1 = std::min(g.in_h, oh * g.stride_h - g.pad_top + g.kernel_h);
    const int w0 = std::max(0, ow * g.stride_w - g.pad_left), w1 = std::min(g.in_w, ow * g.stride_w - g.pad_left + g.kernel_w);
    count(std::max(0, h1 - h0) * std::max(0, w1 - w0));
    for (int ih = h0; ih < h1; ++ih)
        for (int iw = w0; iw < w1; ++iw) visit(int64_t(ih * g.in_w + iw) * g.channels);
}

}  // namespace

void avgpool_nhwc(const float* x, const ConvGeometry& g, float* y) {
    const int c = g.channels;
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow, y += c) {
            std::fill(y, y + c, 0.0f);
            float inv = 0;
            for_window(g, oh, ow, [&](int cells) { inv = cells ? 1.0f / float(cells) : 0.0f; },
                       [&](int64_t base) {
                           for (int k = 0; k < c; ++k) y[k] += x[base + k];
                       });
            for (int k = 0; k < c; ++k) y[k] *= inv;
        }
}

void avgpool_nhwc_backward_accumulate(const float* dy, const ConvGeometry& g, float* dx) {
    const int c = g.channels;
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow, dy += c) {
            float inv = 0;
            for_window(g, oh, ow, [&](int cells) { inv = cells ? 1.0f / float(cells) : 0.0f; },
                       [&](int64_t base) {
                           for (int k = 0; k < c; ++k) dx[base + k] += dy[k] * inv;
                       });
        }
}

}  // namespace cnn
