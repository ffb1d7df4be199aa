// What the benchmarks run: Basic_CNN at batch 32, and the GEMM shapes that dominate its
// training step (conv layers run in chunks of whole images of about 4096 im2col rows: 3,920
// rows for both 28×28 and 14×14 maps) and its single-image prediction.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "core/kernels/gemm.h"

namespace cnn::bench {

constexpr int kBatch = 32;
constexpr int kWarmupSteps = 5;
constexpr int kStepsPerChunk = 5;

struct GemmShape {
    const char* name;
    int64_t M, N, K;
    bool transpose_a, transpose_b;  // A stored [K, M] (weight gradients), B stored [N, K] (input gradients)
};

inline std::vector<GemmShape> gemm_shapes() {
    return {
        {"conv2 forward", 3920, 32, 288, false, false},
        {"conv4 forward", 3920, 64, 576, false, false},
        {"conv4 dkernel", 576, 64, 3920, true, false},
        {"conv4 dinput", 3920, 576, 64, false, true},
        {"dense1 forward", 32, 512, 3136, false, false},
        {"dense1 dkernel", 3136, 512, 32, true, false},
        {"dense1 dinput", 32, 3136, 512, false, true},
        {"predict conv2", 784, 32, 288, false, false},
        {"predict dense1", 1, 512, 3136, false, false},
    };
}

inline std::vector<float> random_floats(int64_t n, uint32_t seed) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = float(seed >> 8) / float(1u << 24) * 2.0f - 1.0f;
    }
    return v;
}

// GFLOP/s of the single-threaded GEMM on one shape, sorted: at least 5 timed runs and as many as
// fit in `seconds`, after `warmups` untimed ones (in wasm, V8 needs a few to reach its optimising tier).
inline std::vector<double> gemm_rates(const GemmShape& s, int warmups, double seconds) {
    using Clock = std::chrono::steady_clock;
    const auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
    auto a = random_floats(s.M * s.K, 1), b = random_floats(s.K * s.N, 2);
    std::vector<float> c(s.M * s.N);
    const MatView A = s.transpose_a ? row_major(a.data(), s.M).transposed() : row_major(a.data(), s.K);
    const MatView B = s.transpose_b ? row_major(b.data(), s.K).transposed() : row_major(b.data(), s.N);
    const auto run = [&] { gemm(s.M, s.N, s.K, A, B, c.data(), s.N, false); };
    for (int i = 0; i < warmups; ++i) run();
    std::vector<double> rates;
    const auto start = Clock::now();
    while (rates.size() < 5 || since(start) < seconds) {
        const auto t = Clock::now();
        run();
        rates.push_back(2.0 * s.M * s.N * s.K / since(t) * 1e-9);
    }
    std::sort(rates.begin(), rates.end());
    return rates;
}

inline const char* simd_name() { return xsimd::default_arch::name(); }
inline int simd_lanes() { return static_cast<int>(xsimd::batch<float>::size); }

}  // namespace cnn::bench
