// GEMM driver: cache blocking and packing around gemm_ukernel_mrx2v (Goto & van de Geijn,
// "Anatomy of High-Performance Matrix Multiplication", 2008; the BLIS loop order).
//
// Packing copies an operand into the micro-kernel's panel layout. It pays when a block is
// re-read many times from a layout the kernel cannot stream; otherwise it only costs a pass
// over memory (for Basic_CNN's convolutions, with few filters, as much as the arithmetic). So:
//   - A is read in place whenever one of its strides is 1: the kernel broadcasts A one scalar at
//     a time, so rows and columns both stream, and a panel re-read for each column panel of C
//     stays in L1. Measured against packing, in place is as fast natively and faster in wasm
//     (37 against 30 GFLOP/s for the convolutions). Only A with no unit stride is packed.
//   - B is read in place when its rows are contiguous and C has at most one block of rows
//     (a dense layer at batch ≤ kMC, single-image inference), so each B panel is read once;
//     otherwise (im2col products with thousands of rows, transposed B) it is packed.
// Neither choice changes the order of any sum: results are bit-identical either way.
#include "gemm.h"

#include <algorithm>
#include <vector>

#include "gemm_ukernel.h"

namespace cnn {
namespace {

// KC×NC floats of packed B stay in L2, a kMC×KC block of A in L1/L2.
constexpr int64_t kKC = 256;
constexpr int64_t kMC = 96;
constexpr int64_t kNC = 1024;
static_assert(kMC % kMR == 0 && kNC % kNR == 0, "blocks must hold whole tiles");

using AlignedBuffer = std::vector<float, xsimd::aligned_allocator<float>>;

// Packs rows [0, mc) × cols [0, kc) of A into panels of kMR rows: panel[p][r], zero-padded.
void pack_a(int64_t mc, int64_t kc, MatView A, float* out) {
    for (int64_t i0 = 0; i0 < mc; i0 += kMR) {
        int64_t rows = std::min<int64_t>(kMR, mc - i0);
        for (int64_t p = 0; p < kc; ++p) {
            const float* src = A.data + i0 * A.row_stride + p * A.col_stride;
            int r = 0;
            for (; r < rows; ++r) out[r] = src[r * A.row_stride];
            for (; r < kMR; ++r) out[r] = 0.0f;
            out += kMR;
        }
    }
}

// Packs rows [0, kc) × cols [0, nc) of B into panels of kNR columns: panel[p][c], zero-padded.
void pack_b(int64_t kc, int64_t nc, MatView B, float* out) {
    for (int64_t j0 = 0; j0 < nc; j0 += kNR) {
        int64_t cols = std::min<int64_t>(kNR, nc - j0);
        for (int64_t p = 0; p < kc; ++p) {
            const float* src = B.data + p * B.row_stride + j0 * B.col_stride;
            int c = 0;
            if (B.col_stride == 1) {
                for (; c < cols; ++c) out[c] = src[c];
            } else {
                for (; c < cols; ++c) out[c] = src[c * B.col_stride];
            }
            for (; c < kNR; ++c) out[c] = 0.0f;
            out += kNR;
        }
    }
}

// Where the micro-kernel finds the panel of A that starts at block row i0: packed panels
// (element (r, p) at r + p·kMR) or A in place (r·rs + p·cs).
struct ASource {
    const float* data;
    int64_t rs, cs, kc;
    bool packed;
    const float* panel(int64_t i0) const { return packed ? data + i0 * kc : data + i0 * rs; }
};

// The same for B's panel that starts at block column j0: packed (row stride kNR) or in place.
struct BSource {
    const float* data;
    int64_t ldb, kc;
    bool packed;
    const float* panel(int64_t j0) const { return packed ? data + j0 * kc : data + j0; }
    int64_t row_stride() const { return packed ? kNR : ldb; }
};

// Packed operands get their strides as constants, so the compiler folds the addressing (in
// wasm a runtime stride costs an add per load), and packed B its aligned loads. Kept out of
// line: V8 compiles a small function per variant better than all of them inlined into one.
template <int MR>
[[gnu::noinline]] void run_tile(int64_t kc, const ASource& a, const float* ap, const float* bp, int64_t ldb, bool b_packed, float* c,
              int64_t ldc, bool accumulate) {
    if (a.packed && b_packed) gemm_ukernel_mrx2v<MR, true>(kc, ap, 1, kMR, bp, kNR, c, ldc, accumulate);
    else if (a.packed) gemm_ukernel_mrx2v<MR, false>(kc, ap, 1, kMR, bp, ldb, c, ldc, accumulate);
    else if (b_packed) gemm_ukernel_mrx2v<MR, true>(kc, ap, a.rs, a.cs, bp, kNR, c, ldc, accumulate);
    else gemm_ukernel_mrx2v<MR, false>(kc, ap, a.rs, a.cs, bp, ldb, c, ldc, accumulate);
}

// A tile of `rows` ≤ MR rows: the kernel with exactly that many rows of accumulators.
template <int MR = kMR>
void tile(int rows, int64_t kc, const ASource& a, const float* ap, const float* bp, int64_t ldb, bool b_packed,
          float* c, int64_t ldc, bool accumulate) {
    if constexpr (MR > 1) {
        if (rows < MR) return tile<MR - 1>(rows, kc, a, ap, bp, ldb, b_packed, c, ldc, accumulate);
    }
    run_tile<MR>(kc, a, ap, bp, ldb, b_packed, c, ldc, accumulate);
}

// Runs the micro-kernels over an mc×nc block of C. Partial column panels go through a scratch
// tile (B in place: through a packed, zero-padded copy of that panel, so no read runs past B).
void macro_kernel(int64_t mc, int64_t nc, int64_t kc, const ASource& a, const BSource& b, MatView B_block,
                  float* edge_panel, float* C, int64_t ldc, bool accumulate) {
    alignas(64) float scratch[kMR * kNR];
    int64_t first_panel = 0;
    if (mc == 1 && !b.packed)  // a single row of C: the wide tile, B in place
        for (; first_panel + kGemvColumns <= nc; first_panel += kGemvColumns)
            gemm_ukernel_1x8v(kc, a.panel(0), a.packed ? kMR : a.cs, b.panel(first_panel), b.row_stride(), C + first_panel,
                              accumulate);
    for (int64_t j0 = first_panel; j0 < nc; j0 += kNR) {
        const int64_t cols = std::min<int64_t>(kNR, nc - j0);
        const float* bp = b.panel(j0);
        int64_t ldb = b.row_stride();
        bool b_packed = b.packed;
        if (cols < kNR && !b.packed) {
            pack_b(kc, cols, {B_block.data + j0 * B_block.col_stride, B_block.row_stride, B_block.col_stride}, edge_panel);
            bp = edge_panel, ldb = kNR, b_packed = true;
        }
        for (int64_t i0 = 0; i0 < mc; i0 += kMR) {
            const int rows = static_cast<int>(std::min<int64_t>(kMR, mc - i0));
            const float* ap = a.panel(i0);
            float* c = C + i0 * ldc + j0;
            if (cols == kNR) {
                tile(rows, kc, a, ap, bp, ldb, b_packed, c, ldc, accumulate);
                continue;
            }
            for (int r = 0; r < rows; ++r)
                for (int64_t q = 0; q < cols; ++q) scratch[r * kNR + q] = accumulate ? c[r * ldc + q] : 0.0f;
            tile(rows, kc, a, ap, bp, ldb, b_packed, scratch, kNR, true);
            for (int r = 0; r < rows; ++r)
                for (int64_t q = 0; q < cols; ++q) c[r * ldc + q] = scratch[r * kNR + q];
        }
    }
}

}  // namespace

void gemm(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc, bool accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate)
            for (int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, 0.0f);
        return;
    }
    const bool a_in_place = (A.col_stride == 1 || A.row_stride == 1);
    const bool b_in_place = B.col_stride == 1 && M <= kMC;
    // Per-thread packing buffers: allocated on first use, then reused (no allocation per step).
    thread_local AlignedBuffer packed_a, packed_b;
    if (!a_in_place) packed_a.resize(std::max<size_t>(packed_a.size(), kMC * kKC));
    packed_b.resize(std::max<size_t>(packed_b.size(), b_in_place ? kKC * kNR : kKC * kNC));

    for (int64_t jc = 0; jc < N; jc += kNC) {
        const int64_t nc = std::min(kNC, N - jc);
        for (int64_t pc = 0; pc < K; pc += kKC) {
            const int64_t kc = std::min(kKC, K - pc);
            const bool acc = accumulate || pc > 0;
            const MatView B_block{B.data + pc * B.row_stride + jc * B.col_stride, B.row_stride, B.col_stride};
            if (!b_in_place) pack_b(kc, nc, B_block, packed_b.data());
            const BSource b{b_in_place ? B_block.data : packed_b.data(), B.row_stride, kc, !b_in_place};
            for (int64_t ic = 0; ic < M; ic += kMC) {
                const int64_t mc = std::min(kMC, M - ic);
                const MatView A_block{A.data + ic * A.row_stride + pc * A.col_stride, A.row_stride, A.col_stride};
                if (!a_in_place) pack_a(mc, kc, A_block, packed_a.data());
                const ASource a{a_in_place ? A_block.data : packed_a.data(), A.row_stride, A.col_stride, kc, !a_in_place};
                macro_kernel(mc, nc, kc, a, b, B_block, packed_b.data(), C + ic * ldc + jc, ldc, acc);
            }
        }
    }
}

void gemm_reference(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc,
                    bool accumulate) {
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            double sum = accumulate ? C[i * ldc + j] : 0.0;
            for (int64_t p = 0; p < K; ++p) sum += double(A.at(i, p)) * double(B.at(p, j));
            C[i * ldc + j] = static_cast<float>(sum);
        }
}

}  // namespace cnn
