// What the benchmarks run: Basic_CNN at batch 32, and the GEMM shapes that dominate its
// training step (conv layers run in chunks of whole images of about 4096 im2col rows: 3,920
// rows for both 28×28 and 14×14 maps) and its single-image prediction.
#pragma once
#include <cstdint>
#include <vector>

#include <xsimd/xsimd.hpp>

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

inline const char* simd_name() { return xsimd::default_arch::name(); }
inline int simd_lanes() { return static_cast<int>(xsimd::batch<float>::size); }

}  // namespace cnn::bench
