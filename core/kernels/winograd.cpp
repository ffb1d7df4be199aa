// The transforms are written once over a lane type T: xsimd's batch for whole vectors of
// channels, float for the channels left over. Each 2-D transform is a 1-D transform down the
// columns, then along the rows. The 1-D forms share sums between outputs (Lavin & Gray's
// matrices, with points 0, ±1, ±2 and ∞):
//
//   Bᵀ = [4  0 -5  0  1  0]   G = [ 1/4     0     0 ]   Aᵀ = [1  1  1  1  1  0]
//        [0 -4 -4  1  1  0]       [-1/6  -1/6  -1/6 ]        [0  1 -1  2 -2  0]
//        [0  4 -4 -1  1  0]       [-1/6   1/6  -1/6 ]        [0  1  1  4  4  0]
//        [0 -2 -1  2  1  0]       [1/24  1/12   1/6 ]        [0  1 -1  8 -8  1]
//        [0  2 -1 -2  1  0]       [1/24 -1/12   1/6 ]
//        [0  4  0 -5  0  1]       [ 0     0      1  ]
#include "winograd.h"

#include <algorithm>
#include <cassert>
#include <vector>

#include "gemm_ukernel.h"

namespace cnn::winograd {
namespace {

// The 1-D transforms, from kIn to kOut values.
struct InputTransform {  // r = Bᵀ d
    static constexpr int kIn = kInputTile, kOut = kInputTile;
    template <class T>
    static void apply(const T* d, T* r) {
        const T four(4.0f), two(2.0f);
        r[0] = four * (d[0] - d[2]) + (d[4] - d[2]);
        r[1] = (d[3] + d[4]) - four * (d[1] + d[2]);
        r[2] = (d[4] - d[3]) + four * (d[1] - d[2]);
        r[3] = (d[4] - d[2]) + two * (d[3] - d[1]);
        r[4] = (d[4] - d[2]) - two * (d[3] - d[1]);
        r[5] = four * (d[1] - d[3]) + (d[5] - d[3]);
    }
};

struct OutputTransform {  // o = Aᵀ m
    static constexpr int kIn = kInputTile, kOut = kTile;
    template <class T>
    static void apply(const T* m, T* o) {
        const T sum12 = m[1] + m[2], diff12 = m[1] - m[2], sum34 = m[3] + m[4], diff34 = m[3] - m[4];
        o[0] = m[0] + sum12 + sum34;
        o[1] = diff12 + T(2.0f) * diff34;
        o[2] = sum12 + T(4.0f) * sum34;
        o[3] = diff12 + T(8.0f) * diff34 + m[5];
    }
};

struct KernelTransform {  // u = G g
    static constexpr int kIn = 3, kOut = kInputTile;
    template <class T>
    static void apply(const T* g, T* u) {
        const T sixth(1.0f / 6.0f);
        u[0] = T(0.25f) * g[0];
        u[1] = -sixth * (g[0] + g[1] + g[2]);
        u[2] = -sixth * (g[0] - g[1] + g[2]);
        const T outer = T(0.25f) * g[0] + g[2], inner = T(0.5f) * g[1];
        u[3] = sixth * (outer + inner);
        u[4] = sixth * (outer - inner);
        u[5] = g[2];
    }
};

struct OutputGradientTransform {  // w = A y, the adjoint of OutputTransform
    static constexpr int kIn = kTile, kOut = kInputTile;
    template <class T>
    static void apply(const T* y, T* w) {
        const T even = y[0] + y[2], odd = y[1] + y[3];
        const T even4 = y[0] + T(4.0f) * y[2], odd4 = T(2.0f) * y[1] + T(8.0f) * y[3];
        w[0] = y[0];
        w[1] = even + odd;
        w[2] = even - odd;
        w[3] = even4 + odd4;
        w[4] = even4 - odd4;
        w[5] = y[3];
    }
};

struct KernelGradientTransform {  // k = Gᵀ m, the adjoint of KernelTransform
    static constexpr int kIn = kInputTile, kOut = 3;
    template <class T>
    static void apply(const T* m, T* k) {
        const T sixth(1.0f / 6.0f);
        const T sum12 = m[1] + m[2], sum34 = m[3] + m[4];
        k[0] = T(0.25f) * m[0] - sixth * sum12 + T(1.0f / 24.0f) * sum34;
        k[1] = sixth * (m[2] - m[1]) + T(1.0f / 12.0f) * (m[3] - m[4]);
        k[2] = sixth * (sum34 - sum12) + m[5];
    }
};

// Floats of scratch transform_tile needs for a tile of n channels.
template <class Transform>
constexpr int64_t tile_scratch_size(int64_t n) {
    return int64_t(Transform::kIn) * Transform::kOut * ((n + kLanes - 1) / kLanes * kLanes);
}

// A per-thread scratch buffer of at least n floats, and a zero vector of at least n floats (for
// pixels outside the map: no branch per load) and a sink for pixels of a tile outside the map.
float* scratch_buffer(int64_t n) {
    thread_local std::vector<float, xsimd::aligned_allocator<float>> buffer;
    if (int64_t(buffer.size()) < n) buffer.resize(n);
    return buffer.data();
}

const float* zeros(int64_t n) {
    thread_local std::vector<float> z;
    if (int64_t(z.size()) < n) z.assign(n, 0.0f);
    return z.data();
}

float* sink(int64_t n) {
    thread_local std::vector<float> s;
    if (int64_t(s.size()) < n) s.resize(n);
    return s.data();
}

// The 2-D transform X ↦ T X Tᵀ of one tile, for n channels at once: the 1-D transform along the
// rows into `scratch` (in L1), then down its columns, each pass one channel vector at a time, so
// only a row or a column is ever live (all 36 points at once would not fit SIMD128's 16
// registers; V8's code for that spilled more than it computed). in[i·kIn + j] points at the n
// channels of element (i, j); store(p, q, value, c) takes the result for channels c….
// In scratch, element e of channel c sits at ((c / kLanes)·kIn·kOut + e)·kLanes + c % kLanes:
// a vector of channels finds its tile at constant offsets.
template <class Transform, class Store>
void transform_tile(const float* const* in, int64_t n, float* scratch, Store store) {
    constexpr int N = Transform::kIn, M = Transform::kOut;
    const auto at = [scratch](int e, int64_t c) { return scratch + ((c / kLanes) * N * M + e) * kLanes + c % kLanes; };
    for (int i = 0; i < N; ++i) {
        const float* const* row = in + i * N;
        for_each_lane_block(n, [&](auto lane, int64_t c) {
            using T = decltype(lane);
            T d[N], r[M];
            for (int j = 0; j < N; ++j) d[j] = load_lanes<T>(row[j] + c);
            Transform::apply(d, r);
            for (int q = 0; q < M; ++q) store_lanes(at(i * M + q, c), r[q]);
        });
    }
    for (int q = 0; q < M; ++q)
        for_each_lane_block(n, [&](auto lane, int64_t c) {
            using T = decltype(lane);
            T t[N], o[M];
            for (int i = 0; i < N; ++i) t[i] = load_lanes<T>(at(i * M + q, c));
            Transform::apply(t, o);
            for (int p = 0; p < M; ++p) store(p, q, o[p], c);
        });
}

// Where tile t of a batch starts: its image, and its top-left output pixel.
struct TilePlace {
    int64_t image;
    int y0, x0;
};

TilePlace place(const TileGrid& grid, int64_t t) {
    const int64_t per_image = grid.tiles_per_image(), r = t % per_image;
    return {t / per_image, int(r / grid.tiles_w) * kTile, int(r % grid.tiles_w) * kTile};
}

// c [rows ≤ kMR, kNR] (+)= A [rows, K] · B [K, kNR], A(r, p) = a[r·a_rs + p·a_cs], B's rows
// vector-aligned at b + p·ldb.
template <int MR = kMR>
void multiply_rows(int rows, int64_t K, const float* a, int64_t a_rs, int64_t a_cs, const float* b, int64_t ldb, float* c,
                   int64_t ldc, bool accumulate) {
    if constexpr (MR > 1) {
        if (rows < MR) return multiply_rows<MR - 1>(rows, K, a, a_rs, a_cs, b, ldb, c, ldc, accumulate);
    }
    gemm_ukernel_mrx2v<MR, true>(K, a, a_rs, a_cs, b, ldb, c, ldc, accumulate);
}

}  // namespace

TileGrid forward_grid(const ConvGeometry& g) {
    assert(applies_to(g));
    TileGrid t;
    t.in_h = g.in_h, t.in_w = g.in_w, t.out_h = g.out_h, t.out_w = g.out_w;
    t.pad_top = g.pad_top, t.pad_left = g.pad_left;
    t.tiles_h = (g.out_h + kTile - 1) / kTile, t.tiles_w = (g.out_w + kTile - 1) / kTile;
    return t;
}

TileGrid input_gradient_grid(const ConvGeometry& g) {
    assert(applies_to(g));
    TileGrid t;
    t.in_h = g.out_h, t.in_w = g.out_w, t.out_h = g.in_h, t.out_w = g.in_w;
    t.pad_top = 2 - g.pad_top, t.pad_left = 2 - g.pad_left;
    t.tiles_h = (g.in_h + kTile - 1) / kTile, t.tiles_w = (g.in_w + kTile - 1) / kTile;
    return t;
}

int64_t padded_columns(int64_t F) { return (F + kNR - 1) / kNR * kNR; }

void pack_kernel(const float* kernel, int64_t C, int64_t F, bool for_input_gradient, float* U) {
    assert(kernel && U && C > 0 && F > 0);
    // g (u, v, i, o) with o contiguous: the kernel itself, or its flipped, transposed copy.
    const int64_t in = for_input_gradient ? F : C, out = for_input_gradient ? C : F;
    const float* g = kernel;
    thread_local std::vector<float> flipped;
    if (for_input_gradient) {
        flipped.resize(9 * C * F);
        for (int uv = 0; uv < 9; ++uv)
            for (int64_t c = 0; c < C; ++c)
                for (int64_t f = 0; f < F; ++f) flipped[(uv * F + f) * C + c] = kernel[((8 - uv) * C + c) * F + f];
        g = flipped.data();
    }
    const int64_t padded = padded_columns(out), panel_size = in * kNR;
    if (padded > out)  // the last panel's padding columns
        for (int64_t p = 0; p < kPoints; ++p)
            for (int64_t i = 0; i < in; ++i) {
                float* row = U + p * in * padded + (out / kNR) * panel_size + i * kNR;
                std::fill(row + out % kNR, row + kNR, 0.0f);
            }
    float* scratch = scratch_buffer(tile_scratch_size<KernelTransform>(out));
    for (int64_t i = 0; i < in; ++i) {
        const float* taps[9];
        for (int uv = 0; uv < 9; ++uv) taps[uv] = g + (uv * in + i) * out;
        float* const point = U + i * kNR;
        transform_tile<KernelTransform>(taps, out, scratch, [&](int p, int q, auto value, int64_t o) {
            store_lanes(point + (p * kInputTile + q) * in * padded + (o / kNR) * panel_size + o % kNR, value);
        });
    }
}

void input_transform(const float* x, const TileGrid& grid, int64_t C, int64_t first, int64_t count, float* V,
                     int64_t rows) {
    assert(x && V && C > 0 && count >= 0 && rows >= count);
    const float* zero = zeros(C);
    float* scratch = scratch_buffer(tile_scratch_size<InputTransform>(C));
    const int64_t image_size = int64_t(grid.in_h) * grid.in_w * C, point_stride = rows * C;
    for (int64_t k = 0; k < count; ++k) {
        const TilePlace tile = place(grid, first + k);
        const float* image = x + tile.image * image_size;
        const float* pixel[kPoints];
        for (int i = 0; i < kInputTile; ++i)
            for (int j = 0; j < kInputTile; ++j) {
                const int y = tile.y0 - grid.pad_top + i, xx = tile.x0 - grid.pad_left + j;
                const bool inside = y >= 0 && y < grid.in_h && xx >= 0 && xx < grid.in_w;
                pixel[i * kInputTile + j] = inside ? image + (int64_t(y) * grid.in_w + xx) * C : zero;
            }
        float* const out = V + k * C;
        transform_tile<InputTransform>(pixel, C, scratch, [&](int p, int q, auto value, int64_t c) {
            store_lanes(out + (p * kInputTile + q) * point_stride + c, value);
        });
    }
}

void multiply(int64_t rows, int64_t C, int64_t F, const float* V, const float* U, float* M) {
    assert(V && U && M && rows >= 0 && C > 0 && F > 0);
    const int64_t padded = padded_columns(F);
    for (int p = 0; p < kPoints; ++p) {
        const float* v = V + p * rows * C;
        const float* u = U + p * C * padded;
        float* m = M + p * rows * padded;
        for (int64_t j = 0; j < padded; j += kNR)
            for (int64_t r = 0; r < rows; r += kMR)
                multiply_rows(int(std::min<int64_t>(kMR, rows - r)), C, v + r * C, C, 1, u + j * C, kNR, m + r * padded + j,
                              padded, false);
    }
}

void output_transform(const float* M, int64_t rows, const TileGrid& grid, int64_t F, int64_t first, int64_t count,
                      const float* bias, Activation act, float* y) {
    assert(M && y && F > 0 && rows >= count);
    assert(act == Activation::Linear || act == Activation::Relu);
    const int64_t padded = padded_columns(F), point_stride = rows * padded;
    const int64_t image_size = int64_t(grid.out_h) * grid.out_w * F;
    const bool apply_relu = act == Activation::Relu;
    const float* no_bias = zeros(F);
    float* outside = sink(F);
    float* scratch = scratch_buffer(tile_scratch_size<OutputTransform>(F));
    for (int64_t k = 0; k < count; ++k) {
        const TilePlace tile = place(grid, first + k);
        float* image = y + tile.image * image_size;
        const float* point[kPoints];
        for (int p = 0; p < kPoints; ++p) point[p] = M + p * point_stride + k * padded;
        float* pixel[kTile * kTile];
        for (int i = 0; i < kTile; ++i)
            for (int j = 0; j < kTile; ++j) {
                const int yy = tile.y0 + i, x = tile.x0 + j;
                const bool inside = yy < grid.out_h && x < grid.out_w;
                pixel[i * kTile + j] = inside ? image + (int64_t(yy) * grid.out_w + x) * F : outside;
            }
        const float* b = bias ? bias : no_bias;
        transform_tile<OutputTransform>(point, F, scratch, [&](int p, int q, auto value, int64_t f) {
            using T = decltype(value);
            value = value + load_lanes<T>(b + f);
            store_lanes(pixel[p * kTile + q] + f, apply_relu ? relu(value) : value);
        });
    }
}

void output_gradient_transform(const float* dy, const TileGrid& grid, int64_t F, int64_t first, int64_t count,
                               float* dM, int64_t rows) {
    assert(dy && dM && F > 0 && count >= 0 && rows >= count);
    const float* zero = zeros(F);
    float* scratch = scratch_buffer(tile_scratch_size<OutputGradientTransform>(F));
    const int64_t padded = padded_columns(F), point_stride = rows * padded;
    const int64_t image_size = int64_t(grid.out_h) * grid.out_w * F;
    for (int64_t k = 0; k < count; ++k) {
        const TilePlace tile = place(grid, first + k);
        const float* image = dy + tile.image * image_size;
        const float* pixel[kTile * kTile];
        for (int i = 0; i < kTile; ++i)
            for (int j = 0; j < kTile; ++j) {
                const int y = tile.y0 + i, x = tile.x0 + j;
                const bool inside = y < grid.out_h && x < grid.out_w;
                pixel[i * kTile + j] = inside ? image + (int64_t(y) * grid.out_w + x) * F : zero;
            }
        float* const out = dM + k * padded;
        transform_tile<OutputGradientTransform>(pixel, F, scratch, [&](int p, int q, auto value, int64_t f) {
            store_lanes(out + (p * kInputTile + q) * point_stride + f, value);
        });
        for (int p = 0; p < kPoints; ++p) std::fill(out + p * point_stride + F, out + p * point_stride + padded, 0.0f);
    }
}

void kernel_gradient_multiply(int64_t rows, int64_t C, int64_t F, const float* V, const float* dM, float* dU) {
    assert(V && dM && dU && C > 0 && F > 0);
    const int64_t padded = padded_columns(F);
    for (int p = 0; p < kPoints; ++p) {
        const float* v = V + p * rows * C;
        const float* m = dM + p * rows * padded;
        float* u = dU + p * C * padded;
        for (int64_t j = 0; j < padded; j += kNR)
            for (int64_t c = 0; c < C; c += kMR)
                multiply_rows(int(std::min<int64_t>(kMR, C - c)), rows, v + c, 1, C, m + j, padded, u + c * padded + j,
                              padded, true);
    }
}

void kernel_gradient_transform(const float* dU, int64_t C, int64_t F, int64_t c0, int64_t c1, float* dkernel) {
    assert(dU && dkernel && C > 0 && F > 0 && 0 <= c0 && c0 <= c1 && c1 <= C);
    const int64_t padded = padded_columns(F);
    float* scratch = scratch_buffer(tile_scratch_size<KernelGradientTransform>(F));
    for (int64_t c = c0; c < c1; ++c) {
        const float* point[kPoints];
        for (int p = 0; p < kPoints; ++p) point[p] = dU + (p * C + c) * padded;
        transform_tile<KernelGradientTransform>(point, F, scratch, [&](int u, int v, auto value, int64_t f) {
            using T = decltype(value);
            float* dst = dkernel + ((u * 3 + v) * C + c) * F + f;
            store_lanes(dst, load_lanes<T>(dst) + value);
        });
    }
}

}  // namespace cnn::winograd
