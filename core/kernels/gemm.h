// Single-precision GEMM: C[M,N] (+)= A[M,K] · B[K,N].
// A and B are strided views, so transposed operands need no copies: element (i, j) of a view
// is data[i * row_stride + j * col_stride]. C is row-major with leading dimension ldc.
#pragma once
#include <cstdint>

namespace cnn {

struct MatView {
    const float* data;
    int64_t row_stride;
    int64_t col_stride;

    float at(int64_t i, int64_t j) const { return data[i * row_stride + j * col_stride]; }
    MatView transposed() const { return {data, col_stride, row_stride}; }
};

inline MatView row_major(const float* data, int64_t cols) { return {data, cols, 1}; }

// Blocked, packed GEMM on one thread (the micro-kernels in gemm_ukernel.h); drivers/gemm.h splits
// it over the thread pool.
void gemm(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc, bool accumulate);

// Plain triple loop: the reference the fast kernels are tested against.
void gemm_reference(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc,
                    bool accumulate);

}  // namespace cnn
