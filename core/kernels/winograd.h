// Winograd F(4×4, 3×3) for 3×3 stride-1 convolutions over NHWC maps (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016; the tile size NNPACK and XNNPACK use).
// A 4×4 block of output comes from a 6×6 input tile d and the 3×3 kernel g as
//
//     Y = Aᵀ [U ⊙ V] A      with  U = G g Gᵀ (kernel transform),  V = Bᵀ d B (input transform),
//
// 36 multiplications per channel pair instead of 144. Summed over input channels, each of the 36
// points ξ of the tile is a small matrix product: M[ξ] [tiles, F] = V[ξ] [tiles, C] · U[ξ] [C, F].
// The transforms run on whole tiles, channels in SIMD lanes, so nothing like im2col is written.
//
// Backward: the input gradient is the same forward pass over dy with the kernel flipped (and its
// channel roles swapped; pack_kernel does both); the kernel gradient is the adjoint of Y:
//     dM = A dY Aᵀ (output_gradient_transform),  dU[ξ] = Σ_tiles V[ξ]ᵀ dM[ξ]
//     (kernel_gradient_multiply),  dg += Gᵀ dU G (kernel_gradient_transform).
//
// Tiles are numbered image by image, row by row: tile t of a batch is image t / tiles_per_image.
// Points of blocks are stored point-major: X[ξ][row][channel], `rows` rows per point.
// These are single-threaded kernels; drivers (core/drivers/conv_winograd.cpp) slice the tiles.
#pragma once
#include <cstdint>

#include "activations.h"
#include "conv_geometry.h"

namespace cnn::winograd {

constexpr int kTile = 4;        // output pixels per tile side
constexpr int kInputTile = 6;   // input pixels per tile side (kTile + 3 - 1)
constexpr int kPoints = 36;     // kInputTile²: the points of the transformed tile

// Where the tiles of one image sit: a 3×3 stride-1 window over an in_h × in_w map padded by
// pad_top / pad_left (the rest of the padding is implied by out_h, out_w).
struct TileGrid {
    int in_h = 0, in_w = 0, out_h = 0, out_w = 0;
    int pad_top = 0, pad_left = 0;
    int tiles_h = 0, tiles_w = 0;

    int64_t tiles_per_image() const { return int64_t(tiles_h) * tiles_w; }
};

// The grid of a 3×3 stride-1 convolution's forward pass, and of its input gradient (a forward
// pass from the output map back to the input map, padded by 2 - pad).
TileGrid forward_grid(const ConvGeometry& g);
TileGrid input_gradient_grid(const ConvGeometry& g);

// Winograd applies to undilated 3×3 windows at stride 1.
inline bool applies_to(const ConvGeometry& g) {
    return g.kernel_h == 3 && g.kernel_w == 3 && g.stride_h == 1 && g.stride_w == 1 && !g.dilated();
}

// Columns of the packed kernel: F rounded up to whole GEMM column panels.
int64_t padded_columns(int64_t F);
// Floats of a packed kernel transform with C input and F output channels.
inline int64_t packed_kernel_size(int64_t C, int64_t F) { return kPoints * C * padded_columns(F); }

// U [36][F / kNR panels][C][kNR] ← G g Gᵀ for kernel [3, 3, C, F] (Keras layout), zero-padded to
// whole panels: the B operand of multiply(). With `for_input_gradient`, the kernel of the input
// gradient instead: flipped in both axes, C and F swapped (U [36][C panels][F][kNR]).
void pack_kernel(const float* kernel, int64_t C, int64_t F, bool for_input_gradient, float* U);

// V [36][rows][C] ← Bᵀ d B for tiles [first, first + count) of a batch x [B, in_h, in_w, C]
// into rows [0, count); rows ≥ count is the points' height. Pixels outside the map read as 0.
void input_transform(const float* x, const TileGrid& grid, int64_t C, int64_t first, int64_t count, float* V,
                     int64_t rows);

// M [36][rows][padded_columns(F)] = V [36][rows][C] · U[ξ] for each point.
void multiply(int64_t rows, int64_t C, int64_t F, const float* V, const float* U, float* M);

// y ← act(Aᵀ M A + bias) for tiles [first, first + count) into y [B, out_h, out_w, F], writing only
// the pixels inside the map. M as multiply() leaves it; bias may be null; act Linear or Relu.
void output_transform(const float* M, int64_t rows, const TileGrid& grid, int64_t F, int64_t first, int64_t count,
                      const float* bias, Activation act, float* y);

// dM [36][rows][padded_columns(F)] ← A dY Aᵀ for tiles [first, first + count) of
// dy [B, out_h, out_w, F] into rows [0, count), pixels outside the map read as 0 and the padding
// columns zeroed: every row vector-aligned for kernel_gradient_multiply(). Rows ≥ count.
void output_gradient_transform(const float* dy, const TileGrid& grid, int64_t F, int64_t first, int64_t count,
                               float* dM, int64_t rows);

// dU[ξ] [C][padded_columns(F)] += V[ξ]ᵀ · dM[ξ] over `rows` tiles, for every point ξ.
void kernel_gradient_multiply(int64_t rows, int64_t C, int64_t F, const float* V, const float* dM, float* dU);

// dkernel [3, 3, C, F] += Gᵀ dU[ξ] G from dU [36][C][padded_columns(F)], for the input channels
// [c0, c1) only, so that drivers can give each thread its own channels.
void kernel_gradient_transform(const float* dU, int64_t C, int64_t F, int64_t c0, int64_t c1, float* dkernel);

}  // namespace cnn::winograd
