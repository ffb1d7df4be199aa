#include "gemm.h"

#include "../kernels/gemm_ukernel.h"
#include "../parallel.h"

namespace cnn {

void gemm_parallel(int64_t M, int64_t N, int64_t K, MatView A, MatView B, float* C, int64_t ldc, bool accumulate) {
    if (num_threads() == 1 || M * N * K < (int64_t{1} << 16)) {
        gemm(M, N, K, A, B, C, ldc, accumulate);
        return;
    }
    if (M >= N) {
        parallel_for(M, kMR, [&](int64_t i0, int64_t i1, int) {
            gemm(i1 - i0, N, K, {A.data + i0 * A.row_stride, A.row_stride, A.col_stride}, B, C + i0 * ldc, ldc,
                 accumulate);
        });
    } else {
        parallel_for(N, kNR, [&](int64_t j0, int64_t j1, int) {
            gemm(M, j1 - j0, K, A, {B.data + j0 * B.col_stride, B.row_stride, B.col_stride}, C + j0, ldc, accumulate);
        });
    }
}

}  // namespace cnn
