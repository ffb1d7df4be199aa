// GEMM driver: cache blocking and packing around gemm_ukernel_6x2v (Goto & van de Geijn,
// "Anatomy of High-Performance Matrix Multiplication", 2008; the BLIS loop order).
#include "gemm.h"

#include <algorithm>
#include <vector>

#include "../parallel.h"
#include "gemm_ukernel.h"

namespace cnn {
namespace {

// KC×NC floats of packed B stay in L2, a kMC×KC block of packed A in L1/L2.
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

// Runs the micro-kernel over an mc×nc block of C; edge tiles go through a full-size scratch tile.
void macro_kernel(int64_t mc, int64_t nc, int64_t kc, const float* packed_a, const float* packed_b,
                  float* C, int64_t ldc, bool accumulate) {
    alignas(64) float tile[kMR * kNR];
    for (int64_t j0 = 0; j0 < nc; j0 += kNR) {
        int64_t cols = std::min<int64_t>(kNR, nc - j0);
        const float* b = packed_b + j0 * kc;
        for (int64_t i0 = 0; i0 < mc; i0 += kMR) {
            int64_t rows = std::min<int64_t>(kMR, mc - i0);
            const float* a = packed_a + i0 * kc;
            float* c = C + i0 * ldc + j0;
            if (rows == kMR && cols == kNR) {
                gemm_ukernel_6x2v(kc, a, b, c, ldc, accumulate);
                continue;
            }
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t q = 0; q < cols; ++q) tile[r * kNR + q] = accumulate ? c[r * ldc + q] : 0.0f;
            gemm_ukernel_6x2v(kc, a, b, tile, kNR, true);
            for (int64_t r = 0; r < rows; ++r)
                for (int64_t q = 0; q < cols; ++q) c[r * ldc + q] = tile[r * kNR + q];
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
    // Per-thread packing buffers: allocated on first use, then reused (no allocation per step).
    thread_local AlignedBuffer packed_a, packed_b;
    packed_a.resize(std::max<size_t>(packed_a.size(), kMC * kKC));
    packed_b.resize(std::max<size_t>(packed_b.size(), kKC * kNC));

    for (int64_t jc = 0; jc < N; jc += kNC) {
        int64_t nc = std::min(kNC, N - jc);
        for (int64_t pc = 0; pc < K; pc += kKC) {
            int64_t kc = std::min(kKC, K - pc);
            bool acc = accumulate || pc > 0;
            pack_b(kc, nc, {B.data + pc * B.row_stride + jc * B.col_stride, B.row_stride, B.col_stride},
                   packed_b.data());
            for (int64_t ic = 0; ic < M; ic += kMC) {
                int64_t mc = std::min(kMC, M - ic);
                pack_a(mc, kc, {A.data + ic * A.row_stride + pc * A.col_stride, A.row_stride, A.col_stride},
                       packed_a.data());
                macro_kernel(mc, nc, kc, packed_a.data(), packed_b.data(), C + ic * ldc + jc, ldc, acc);
            }
        }
    }
}

void gemm_parallel(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc,
                   bool accumulate) {
    if (num_threads() == 1 || M * N * K < (int64_t{1} << 16)) {
        gemm(M, N, K, A, B, C, ldc, accumulate);
        return;
    }
    if (M >= N) {
        parallel_for(M, kMR, [&](int64_t i0, int64_t i1, int) {
            gemm(i1 - i0, N, K, {A.data + i0 * A.row_stride, A.row_stride, A.col_stride}, B, C + i0 * ldc,
                 ldc, accumulate);
        });
    } else {
        parallel_for(N, kNR, [&](int64_t j0, int64_t j1, int) {
            gemm(M, j1 - j0, K, A, {B.data + j0 * B.col_stride, B.row_stride, B.col_stride}, C + j0, ldc,
                 accumulate);
        });
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

