// The GEMM driver: C[M,N] (+)= A[M,K] · B[K,N] (kernels/gemm.h) with the rows or the columns of
// C split over the thread pool, in whole micro-kernel tiles. Each element of C is summed in the
// same order whatever the split, so results do not depend on the thread count.
#pragma once
#include "../kernels/gemm.h"

namespace cnn {

void gemm_parallel(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc, bool accumulate);

}  // namespace cnn
