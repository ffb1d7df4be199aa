#include "conv_1channel.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "simd.h"

namespace cnn {
namespace {

// Filters per block: independent accumulator chains, few enough to stay in registers in wasm.
constexpr int kBlock = 4;

// The taps [first, last) of a window starting at `start` (its first pixel, maybe in the
// padding) that fall on a map of `size` pixels.
struct TapRange {
    int first, last;
};
TapRange taps_inside(int start, int window, int size) { return {std::max(0, -start), std::min(window, size - start)}; }

// The outputs [first, last) whose tap `tap` falls on the map (output o reads o·stride - pad + tap).
TapRange outputs_inside(int tap, int pad, int stride, int out, int size) {
    const int lowest = pad - tap, highest = size - 1 + pad - tap;  // o·stride must lie in [lowest, highest]
    if (highest < 0) return {0, 0};
    const int first = lowest > 0 ? (lowest + stride - 1) / stride : 0;
    const int last = std::min(out, highest / stride + 1);
    return {first, std::max(first, last)};
}

// Calls visit(output pixel, top, left, rows, cols) for each output pixel: where its window
// starts (maybe in the padding) and which of its taps fall on the map.
template <class Visit>
void for_each_window(const ConvGeometry& g, Visit visit) {
    for (int oh = 0; oh < g.out_h; ++oh) {
        const int top = oh * g.stride_h - g.pad_top;
        const TapRange rows = taps_inside(top, g.kernel_h, g.in_h);
        for (int ow = 0; ow < g.out_w; ++ow) {
            const int left = ow * g.stride_w - g.pad_left;
            visit(int64_t(oh) * g.out_w + ow, top, left, rows, taps_inside(left, g.kernel_w, g.in_w));
        }
    }
}

template <int N>
using Count = std::integral_constant<int, N>;

// Calls body(T{}, Count<n>{}, f) over blocks of the F filters: kBlock vectors, then single
// vectors, then floats (n, the block's width in T, a constant so accumulators stay in registers).
template <class Body>
void for_each_filter_block(int64_t F, Body body) {
    int64_t f = 0;
    for (; f + kBlock * kLanes <= F; f += kBlock * kLanes) body(fbatch(), Count<kBlock>(), f);
    for (; f + kLanes <= F; f += kLanes) body(fbatch(), Count<1>(), f);
    for (; f < F; ++f) body(0.0f, Count<1>(), f);
}

}  // namespace

void conv_1channel_forward(const float* x, const float* kernel, const float* bias, const ConvGeometry& g, int64_t F,
                           Activation act, float* y) {
    assert(g.channels == 1 && x && kernel && y && F > 0);
    assert(act == Activation::Linear || act == Activation::Relu);
    for_each_window(g, [&](int64_t o, int top, int left, TapRange rows, TapRange cols) {
        float* out = y + o * F;
        for_each_filter_block(F, [&](auto lane, auto width, int64_t f) {
            using T = decltype(lane);
            constexpr int count = decltype(width)::value;
            constexpr int step = lanes_of<T>;
            T acc[count];
            for (int v = 0; v < count; ++v) acc[v] = bias ? load_lanes<T>(bias + f + v * step) : T(0.0f);
            for (int i = rows.first; i < rows.last; ++i)
                for (int j = cols.first; j < cols.last; ++j) {
                    const T pixel(x[int64_t(top + i) * g.in_w + left + j]);
                    const float* w = kernel + (int64_t(i) * g.kernel_w + j) * F + f;
                    for (int v = 0; v < count; ++v) acc[v] = mad(pixel, load_lanes<T>(w + v * step), acc[v]);
                }
            for (int v = 0; v < count; ++v)
                store_lanes(out + f + v * step, act == Activation::Relu ? relu(acc[v]) : acc[v]);
        });
    });
}

void conv_1channel_backward_kernel(const float* dy, const float* x, const ConvGeometry& g, int64_t F, float* dkernel) {
    assert(g.channels == 1 && dy && x && dkernel && F > 0);
    for (int i = 0; i < g.kernel_h; ++i)
        for (int j = 0; j < g.kernel_w; ++j) {
            float* dk = dkernel + (int64_t(i) * g.kernel_w + j) * F;
            const TapRange rows = outputs_inside(i, g.pad_top, g.stride_h, g.out_h, g.in_h);
            const TapRange cols = outputs_inside(j, g.pad_left, g.stride_w, g.out_w, g.in_w);
            for_each_filter_block(F, [&](auto lane, auto width, int64_t f) {
                using T = decltype(lane);
                constexpr int count = decltype(width)::value;
                constexpr int step = lanes_of<T>;
                T acc[count];
                for (int v = 0; v < count; ++v) acc[v] = T(0.0f);
                for (int oh = rows.first; oh < rows.last; ++oh)
                    for (int ow = cols.first; ow < cols.last; ++ow) {
                        const T pixel(x[int64_t(oh * g.stride_h - g.pad_top + i) * g.in_w + ow * g.stride_w - g.pad_left + j]);
                        const float* d = dy + (int64_t(oh) * g.out_w + ow) * F + f;
                        for (int v = 0; v < count; ++v) acc[v] = mad(pixel, load_lanes<T>(d + v * step), acc[v]);
                    }
                for (int v = 0; v < count; ++v) store_lanes(dk + f + v * step, load_lanes<T>(dk + f + v * step) + acc[v]);
            });
        }
}

void conv_1channel_backward_input(const float* dy, const float* kernel, const ConvGeometry& g, int64_t F, float* dx) {
    assert(g.channels == 1 && dy && kernel && dx && F > 0);
    std::fill(dx, dx + g.in_pixels(), 0.0f);
    for_each_window(g, [&](int64_t o, int top, int left, TapRange rows, TapRange cols) {
        const float* d = dy + o * F;
        for (int i = rows.first; i < rows.last; ++i)
            for (int j = cols.first; j < cols.last; ++j) {
                const float* w = kernel + (int64_t(i) * g.kernel_w + j) * F;
                float sum = 0.0f;  // in filter order, whatever the SIMD width (see simd.h)
                for (int64_t f = 0; f < F; ++f) sum += d[f] * w[f];
                dx[int64_t(top + i) * g.in_w + left + j] += sum;
            }
    });
}

}  // namespace cnn
