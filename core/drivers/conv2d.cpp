#include "conv2d.h"

#include <algorithm>
#include <vector>

#include "../kernels/conv_1channel.h"
#include "../kernels/im2col.h"
#include "../kernels/simd.h"
#include "../kernels/winograd.h"
#include "../parallel.h"
#include "gemm.h"

namespace cnn {
namespace {

using AlignedBuffer = std::vector<float, xsimd::aligned_allocator<float>>;

// The batch goes through in chunks of whole images so the im2col scratch stays within
// kChunkRows rows and kChunkFloats floats (4 MiB: cache- and memory-friendly); the chunking is
// fixed by the shapes, never by the thread count.
constexpr int64_t kChunkRows = 4096;
constexpr int64_t kChunkFloats = int64_t{1} << 20;

int64_t im2col_chunk_images(const ConvGeometry& g) {
    const int64_t pixels = std::max<int64_t>(1, g.out_pixels());
    return std::max<int64_t>(1, std::min(kChunkRows / pixels, kChunkFloats / (pixels * g.patch_size())));
}

// Tiles per Winograd block: their transformed inputs and products (36 points each) stay in L2.
constexpr int64_t kWinogradBlockTiles = 16;

// A weight gradient is a sum over the whole batch. Rather than have every thread read all of the
// batch for its own slice of the gradient, the terms are cut into at most kMaxGroups contiguous
// groups, fixed by the shapes: one thread sums a group into the group's own partial, reading only
// its own terms, and the partials are then added in group order, so results do not depend on the
// thread count. Group counts are powers of two, so they share out evenly at 1, 2 and 4 threads.
constexpr int64_t kMaxGroups = 8;
// Rows of dz per group of the bias gradient, at least.
constexpr int64_t kBiasGroupRows = 256;
// Floats of all the Winograd kernel gradient's partials together, at most (4 MiB).
constexpr int64_t kWinogradPartialFloats = int64_t{1} << 20;

// The most groups, a power of two up to kMaxGroups, with at least one item each and at most `limit`.
int64_t group_count(int64_t items, int64_t limit) {
    int64_t groups = 1;
    while (groups * 2 <= std::min({items, limit, kMaxGroups})) groups *= 2;
    return groups;
}

// Group i of `groups` near-equal contiguous groups of n items starts at item group_start(n, groups, i).
int64_t group_start(int64_t n, int64_t groups, int64_t i) { return n * i / groups; }

// sum [n] += each of `count` partials [n], in order, the partials `stride` floats apart.
void add_partials(float* sum, const float* partials, int64_t count, int64_t stride, int64_t n) {
    for (int64_t i = 0; i < count; ++i)
        for (int64_t j = 0; j < n; ++j) sum[j] += partials[i * stride + j];
}

float* grown(AlignedBuffer& buffer, int64_t n) {
    if (int64_t(buffer.size()) < n) buffer.resize(n);
    return buffer.data();
}

// The activation the kernels apply on the way out; the others run afterwards as their own pass.
bool fused(Activation act) { return act == Activation::Linear || act == Activation::Relu; }

void activate_rows(float* y, int64_t rows, int64_t cols, Activation act) {
    if (fused(act)) return;
    parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
        bias_activation_forward(y + r0 * cols, y + r0 * cols, nullptr, r1 - r0, cols, act);
    });
}

// y [B, out map, out_channels] = act(winograd conv(x [B, in map, in_channels]) + bias) over `grid`;
// the kernel's input gradient form when for_input_gradient.
void winograd_pass(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                   const winograd::TileGrid& grid, int64_t C, int64_t F, bool for_input_gradient, Activation act) {
    const int64_t in_channels = for_input_gradient ? F : C, out_channels = for_input_gradient ? C : F;
    thread_local AlignedBuffer packed;
    float* U = grown(packed, winograd::packed_kernel_size(in_channels, out_channels));
    winograd::pack_kernel(kernel, C, F, for_input_gradient, U);
    const int64_t tiles = batch * grid.tiles_per_image();
    const int64_t padded = winograd::padded_columns(out_channels);
    parallel_for(tiles, kWinogradBlockTiles, [&](int64_t t0, int64_t t1, int) {
        thread_local AlignedBuffer V_buffer, M_buffer;
        float* V = grown(V_buffer, winograd::kPoints * kWinogradBlockTiles * in_channels);
        float* M = grown(M_buffer, winograd::kPoints * kWinogradBlockTiles * padded);
        for (int64_t first = t0; first < t1; first += kWinogradBlockTiles) {
            const int64_t count = std::min(kWinogradBlockTiles, t1 - first);
            winograd::input_transform(x, grid, in_channels, first, count, V, count);
            winograd::multiply(count, in_channels, out_channels, V, U, M);
            winograd::output_transform(M, count, grid, out_channels, first, count, bias, act, y);
        }
    });
}

// sum [n] += the terms of `items` items, summed in `groups` groups: add_range(first, last, partial)
// adds items [first, last) into a zeroed partial [n], one thread per group; the partials are then
// added in group order.
template <class AddRange>
void sum_in_groups(float* sum, int64_t n, int64_t items, int64_t groups, AddRange add_range) {
    thread_local AlignedBuffer partial_buffer;
    float* partials = grown(partial_buffer, groups * n);
    parallel_for(groups, 1, [&](int64_t g0, int64_t g1, int) {
        for (int64_t i = g0; i < g1; ++i) {
            float* partial = partials + i * n;
            std::fill(partial, partial + n, 0.0f);
            add_range(group_start(items, groups, i), group_start(items, groups, i + 1), partial);
        }
    });
    add_partials(sum, partials, groups, n, n);
}

// dbias [F] += Σ over rows of dz [rows, F], in groups of rows.
void bias_gradient(float* dbias, const float* dz, int64_t rows, int64_t F) {
    sum_in_groups(dbias, F, rows, group_count(rows / kBiasGroupRows, kMaxGroups),
                  [&](int64_t r0, int64_t r1, float* partial) {
                      for (int64_t r = r0; r < r1; ++r)
                          for (int64_t f = 0; f < F; ++f) partial[f] += dz[r * F + f];
                  });
}

}  // namespace

// The one place that picks a convolution's algorithm (measured on Basic_CNN, README: Performance):
// - one input channel: a GEMM would have K = KH·KW (9), too short to fill its tiles, and im2col
//   would copy every pixel 9 times; the direct kernel walks the windows once, any size or stride.
// - 3×3 at stride 1: Winograd F(4×4,3×3) multiplies 36 times per 4×4 tile and channel pair where
//   the GEMM does 144, in all three passes; its rounding stays within 2e-5 of direct convolution.
// - anything else (other windows, strides, dilations, which only im2col's gather needs to
//   know): im2col + GEMM, the general path and the reference the others are tested against.
// The filter count does not matter to the choice today; it is here for kernels whose tiles would.
ConvAlgorithm conv2d_algorithm(const ConvGeometry& g, int filters) {
    (void)filters;
    if (g.dilated()) return ConvAlgorithm::Im2colGemm;
    if (g.channels == 1) return ConvAlgorithm::OneChannel;
    if (winograd::applies_to(g)) return ConvAlgorithm::Winograd;
    return ConvAlgorithm::Im2colGemm;
}

int64_t conv2d_scratch_floats(const ConvGeometry& g, int filters, int64_t batch) {
    if (conv2d_algorithm(g, filters) != ConvAlgorithm::Im2colGemm) return 0;
    return std::min(batch, im2col_chunk_images(g)) * g.out_pixels() * g.patch_size();
}

void conv2d_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                    const ConvGeometry& g, int filters, Activation act, float* col) {
    switch (conv2d_algorithm(g, filters)) {
        case ConvAlgorithm::Winograd: return conv2d_winograd_forward(y, x, kernel, bias, batch, g, filters, act);
        case ConvAlgorithm::OneChannel: return conv2d_1channel_forward(y, x, kernel, bias, batch, g, filters, act);
        case ConvAlgorithm::Im2colGemm: return conv2d_im2col_forward(y, x, kernel, bias, batch, g, filters, act, col);
    }
}

void conv2d_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                     int64_t batch, const ConvGeometry& g, int filters, float* col, float* dcol) {
    switch (conv2d_algorithm(g, filters)) {
        case ConvAlgorithm::Winograd:
            return conv2d_winograd_backward(dx, dkernel, dbias, dz, x, kernel, batch, g, filters);
        case ConvAlgorithm::OneChannel:
            return conv2d_1channel_backward(dx, dkernel, dbias, dz, x, kernel, batch, g, filters);
        case ConvAlgorithm::Im2colGemm:
            return conv2d_im2col_backward(dx, dkernel, dbias, dz, x, kernel, batch, g, filters, col, dcol);
    }
}

void conv2d_winograd_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                             const ConvGeometry& g, int filters, Activation act) {
    winograd_pass(y, x, kernel, bias, batch, winograd::forward_grid(g), g.channels, filters, false,
                  fused(act) ? act : Activation::Linear);
    activate_rows(y, batch * g.out_pixels(), filters, act);
}

void conv2d_winograd_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                              const float* kernel, int64_t batch, const ConvGeometry& g, int filters) {
    const int64_t C = g.channels, F = filters;
    if (dbias) bias_gradient(dbias, dz, batch * g.out_pixels(), F);

    // dU[ξ] [C, F] = Σ over tiles of V[ξ]ᵀ · dM[ξ], in groups of whole blocks of tiles (as many
    // as fit the partials' budget). A group's thread transforms a block of its tiles at a time into
    // its own V and dM (in L2) and multiplies them into the group's partial, so nothing one core
    // writes is read by the other until the partials are added, channel by channel, and the sum
    // transformed back to the kernel's taps.
    const winograd::TileGrid grid = winograd::forward_grid(g);
    const int64_t padded = winograd::padded_columns(F), dU_size = winograd::kPoints * C * padded;
    const int64_t tiles = batch * grid.tiles_per_image();
    const int64_t blocks = (tiles + kWinogradBlockTiles - 1) / kWinogradBlockTiles;
    const int64_t groups = group_count(blocks, kWinogradPartialFloats / dU_size);
    thread_local AlignedBuffer dU_buffer;
    float* dU = grown(dU_buffer, groups * dU_size);
    parallel_for(groups, 1, [&](int64_t g0, int64_t g1, int) {
        thread_local AlignedBuffer V_buffer, dM_buffer;
        float* V = grown(V_buffer, winograd::kPoints * kWinogradBlockTiles * C);
        float* dM = grown(dM_buffer, winograd::kPoints * kWinogradBlockTiles * padded);
        for (int64_t i = g0; i < g1; ++i) {
            float* partial = dU + i * dU_size;
            std::fill(partial, partial + dU_size, 0.0f);
            const int64_t end = std::min(tiles, group_start(blocks, groups, i + 1) * kWinogradBlockTiles);
            for (int64_t first = group_start(blocks, groups, i) * kWinogradBlockTiles; first < end;
                 first += kWinogradBlockTiles) {
                const int64_t count = std::min(kWinogradBlockTiles, end - first);
                winograd::input_transform(x, grid, C, first, count, V, count);
                winograd::output_gradient_transform(dz, grid, F, first, count, dM, count);
                winograd::kernel_gradient_multiply(count, C, F, V, dM, partial);
            }
        }
    });
    parallel_for(C, 1, [&](int64_t c0, int64_t c1, int) {
        for (int p = 0; p < winograd::kPoints; ++p)
            for (int64_t c = c0; c < c1; ++c) {
                float* row = dU + (p * C + c) * padded;
                add_partials(row, row + dU_size, groups - 1, dU_size, padded);
            }
        winograd::kernel_gradient_transform(dU, C, F, c0, c1, dkernel);
    });

    if (dx) winograd_pass(dx, dz, kernel, nullptr, batch, winograd::input_gradient_grid(g), C, F, true, Activation::Linear);
}

void conv2d_1channel_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                             const ConvGeometry& g, int filters, Activation act) {
    const int64_t in_size = g.in_pixels(), out_size = g.out_pixels() * filters;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b)
            conv_1channel_forward(x + b * in_size, kernel, bias, g, filters, fused(act) ? act : Activation::Linear,
                                  y + b * out_size);
    });
    activate_rows(y, batch * g.out_pixels(), filters, act);
}

void conv2d_1channel_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                              const float* kernel, int64_t batch, const ConvGeometry& g, int filters) {
    const int64_t in_size = g.in_pixels(), out_size = g.out_pixels() * filters;
    if (dbias) bias_gradient(dbias, dz, batch * g.out_pixels(), filters);
    // The kernel gradient in groups of images, each with its partial [KH, KW, 1, F]; the input
    // gradient of the same images while their dz is in cache.
    const int64_t taps = int64_t(g.kernel_h) * g.kernel_w * filters;
    sum_in_groups(dkernel, taps, batch, group_count(batch, kMaxGroups), [&](int64_t b0, int64_t b1, float* partial) {
        for (int64_t b = b0; b < b1; ++b) {
            conv_1channel_backward_kernel(dz + b * out_size, x + b * in_size, g, filters, partial);
            if (dx) conv_1channel_backward_input(dz + b * out_size, kernel, g, filters, dx + b * in_size);
        }
    });
}

void conv2d_im2col_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                           const ConvGeometry& g, int filters, Activation act, float* col) {
    const int64_t in_size = g.in_pixels() * g.channels, pixels = g.out_pixels(), K = g.patch_size();
    const int64_t chunk = im2col_chunk_images(g);
    for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
        const int64_t n = std::min(chunk, batch - b0), rows = n * pixels;
        float* yc = y + b0 * pixels * filters;
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) im2col_nhwc(x + (b0 + i) * in_size, g, col + i * pixels * K);
        });
        gemm_parallel(rows, filters, K, row_major(col, K), row_major(kernel, filters), yc, filters, false);
        parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
            bias_activation_forward(yc + r0 * filters, yc + r0 * filters, bias, r1 - r0, filters, act);
        });
    }
}

void conv2d_im2col_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                            const float* kernel, int64_t batch, const ConvGeometry& g, int filters, float* col,
                            float* dcol) {
    const int64_t in_size = g.in_pixels() * g.channels, pixels = g.out_pixels(), K = g.patch_size();
    const int64_t chunk = im2col_chunk_images(g);
    for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
        const int64_t n = std::min(chunk, batch - b0), rows = n * pixels;
        const float* dzc = dz + b0 * pixels * filters;
        // The forward's im2col is recomputed rather than kept: it is cheap next to the GEMMs
        // and keeping it would cost tens of MB per layer.
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) im2col_nhwc(x + (b0 + i) * in_size, g, col + i * pixels * K);
        });
        // dkernel [K, F] += colᵀ [K, rows] · dz [rows, F]
        gemm_parallel(K, filters, rows, row_major(col, K).transposed(), row_major(dzc, filters), dkernel, filters,
                      true);
        if (dbias) bias_gradient(dbias, dzc, rows, filters);
        if (!dx) continue;
        // dcol [rows, K] = dz [rows, F] · kernelᵀ [F, K]
        gemm_parallel(rows, K, filters, row_major(dzc, filters), row_major(kernel, filters).transposed(), dcol, K,
                      false);
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) {
                float* dxi = dx + (b0 + i) * in_size;
                std::fill(dxi, dxi + in_size, 0.0f);
                col2im_nhwc_accumulate(dcol + i * pixels * K, g, dxi);
            }
        });
    }
}

}  // namespace cnn
