#include "dense.h"

#include <algorithm>
#include <vector>

#include "../parallel.h"
#include "gemm.h"

namespace cnn {

void dense_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch, int64_t in,
                   int64_t units, Activation act) {
    gemm_parallel(batch, units, in, row_major(x, in), row_major(kernel, units), y, units, false);
    bias_activation_forward(y, y, bias, batch, units, act);
}

void dense_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                    int64_t batch, int64_t in, int64_t units) {
    // dkernel [K, N] += xᵀ [K, B] · dz [B, N]
    gemm_parallel(in, units, batch, row_major(x, in).transposed(), row_major(dz, units), dkernel, units, true);
    if (dbias) bias_backward_accumulate(dbias, dz, batch, units);
    if (dx) dense_backward_input(dx, dz, kernel, batch, in, units);
}

void dense_backward_input(float* dx, const float* dz, const float* kernel, int64_t batch, int64_t in, int64_t units) {
    thread_local std::vector<float> transposed;
    if (int64_t(transposed.size()) < in * batch) transposed.resize(in * batch);
    float* dxt = transposed.data();
    gemm_parallel(in, batch, units, row_major(kernel, units), row_major(dz, units).transposed(), dxt, batch, false);
    constexpr int64_t kBlock = 16;  // columns of dx written together, contiguous
    parallel_for(in, kBlock, [&](int64_t k0, int64_t k1, int) {
        for (int64_t kb = k0; kb < k1; kb += kBlock)
            for (int64_t b = 0; b < batch; ++b)
                for (int64_t k = kb; k < std::min(kb + kBlock, k1); ++k) dx[b * in + k] = dxt[k * batch + b];
    });
}

}  // namespace cnn
