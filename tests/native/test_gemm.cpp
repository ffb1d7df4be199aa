// The packed xsimd GEMM against the plain triple loop, over shapes that hit full tiles, edge
// tiles, several K blocks and transposed operands.
#include <doctest/doctest.h>

#include <cmath>

#include "core/drivers/gemm.h"
#include "core/kernels/gemm_ukernel.h"
#include "core/parallel.h"
#include "helpers.h"

using namespace cnn;

namespace {

void check_against_reference(int64_t M, int64_t N, int64_t K, bool transpose_a, bool transpose_b, bool accumulate,
                             bool parallel) {
    Rng rng(M * 1000003 + N * 1009 + K);
    auto a = test::random_vector(M * K, rng), b = test::random_vector(K * N, rng);
    auto c0 = test::random_vector(M * N, rng);
    // A stored as [M, K] or as its transpose [K, M]; likewise B.
    MatView A = transpose_a ? row_major(a.data(), M).transposed() : row_major(a.data(), K);
    MatView B = transpose_b ? row_major(b.data(), K).transposed() : row_major(b.data(), N);
    auto fast = c0, slow = c0;
    (parallel ? gemm_parallel : gemm)(M, N, K, A, B, fast.data(), N, accumulate);
    gemm_reference(M, N, K, A, B, slow.data(), N, accumulate);
    for (int64_t i = 0; i < M * N; ++i) {
        // Each output sums K products of values in [-1, 1]: float rounding grows like √K.
        REQUIRE_MESSAGE(std::fabs(fast[i] - slow[i]) <= 1e-5f * (1.0f + std::sqrt(float(K)) * 4.0f),
                        "M=" << M << " N=" << N << " K=" << K << " at " << i << ": " << fast[i] << " vs " << slow[i]);
    }
}

}  // namespace

TEST_CASE("gemm matches the reference on full and edge tiles") {
    const int64_t sizes[] = {1, 5, kMR, kMR + 1, kNR - 1, kNR, kNR + 3, 37};
    for (int64_t M : sizes)
        for (int64_t N : sizes)
            for (int64_t K : {1, 3, 17})
                for (bool acc : {false, true}) check_against_reference(M, N, K, false, false, acc, false);
}

TEST_CASE("gemm matches the reference across K blocks, M blocks and transposed operands") {
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            check_against_reference(100, 70, 300, ta, tb, false, false);  // K spans two blocks
            check_against_reference(200, 33, 9, ta, tb, true, false);     // M spans three blocks
            check_against_reference(13, 1100, 20, ta, tb, false, false);  // N spans two blocks
        }
}

// The driver reads A in place when C has at most two column panels and B in place when C has
// at most one block of rows (kMC = 96); partial row tiles use kernels with fewer rows, and a
// partial column panel of B read in place goes through a padded copy (no read past B's end).
TEST_CASE("gemm reading A and B in place matches the reference on edge tiles") {
    for (int64_t M : {1, 2, 3, kMR - 1, kMR, kMR + 1, 31, 97})
        for (int64_t N : {1, kNR - 1, kNR + 1, 2 * kNR, 2 * kNR + 1, 3 * kNR + 5})
            for (int64_t K : {1, 7, 300})
                for (bool ta : {false, true})
                    for (bool tb : {false, true}) check_against_reference(M, N, K, ta, tb, K == 7, false);
}

TEST_CASE("gemm packs an A with no unit stride (every other element of a larger matrix)") {
    for (int64_t M : {1, kMR + 1, 100})
        for (int64_t N : {3, 2 * kNR + 1})
            for (int64_t K : {5, 300}) {
                Rng rng(M * 31 + N * 7 + K);
                auto a = test::random_vector(4 * M * K, rng), b = test::random_vector(K * N, rng);
                const MatView A{a.data(), 4 * K, 2};  // A(i, p) = a[4K·i + 2p]
                std::vector<float> fast(M * N), slow(M * N);
                gemm(M, N, K, A, row_major(b.data(), N), fast.data(), N, false);
                gemm_reference(M, N, K, A, row_major(b.data(), N), slow.data(), N, false);
                for (int64_t i = 0; i < M * N; ++i)
                    REQUIRE_MESSAGE(std::fabs(fast[i] - slow[i]) <= 1e-5f * (1.0f + std::sqrt(float(K)) * 4.0f),
                                    "M=" << M << " N=" << N << " K=" << K << " at " << i);
            }
}

TEST_CASE("gemm_parallel gives bit-identical results at 1 and 2 threads") {
    Rng rng(5);
    const int64_t M = 150, N = 64, K = 288;
    auto a = test::random_vector(M * K, rng), b = test::random_vector(K * N, rng);
    std::vector<float> one(M * N), two(M * N), wide(N * M), wide2(N * M);
    set_num_threads(1);
    gemm_parallel(M, N, K, row_major(a.data(), K), row_major(b.data(), N), one.data(), N, false);
    gemm_parallel(N, M, K, row_major(b.data(), N).transposed(), row_major(a.data(), K).transposed(), wide.data(), M, false);
    set_num_threads(2);
    gemm_parallel(M, N, K, row_major(a.data(), K), row_major(b.data(), N), two.data(), N, false);
    gemm_parallel(N, M, K, row_major(b.data(), N).transposed(), row_major(a.data(), K).transposed(), wide2.data(), M, false);
    CHECK(one == two);
    CHECK(wide == wide2);
    for (bool parallel : {true}) check_against_reference(150, 64, 288, false, true, false, parallel);
    set_num_threads(1);
}
