// The arithmetic peak of one core for a SIMD instruction set, measured rather than looked up:
// 8 independent accumulator chains (enough to cover the 3-4 cycle latency of two pipes) fed
// from a small ring of vectors in L1, so no multiply is loop-invariant and nothing can be hoisted.
// Fused = FMA (x86 AVX2/AVX-512); otherwise a separate multiply and add (WebAssembly SIMD128,
// which has no FMA without relaxed SIMD).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace cnn::bench {

constexpr int kPeakRing = 16, kPeakInner = 4096;

// One block of kPeakInner iterations, 8 vector multiply-adds each. Not inlined: V8 optimises a
// wasm function only from its next call on, so the timed loop must call a function many times.
template <class Arch, bool kFused>
__attribute__((noinline)) void peak_block(xsimd::batch<float, Arch>* acc, const float* ring, const float* scales) {
    using B = xsimd::batch<float, Arch>;
    constexpr int kLanes = static_cast<int>(B::size);
    // Multipliers read from memory, not literals: V8 rebuilds a v128 literal at every use.
    const B m0(scales[0]), m1(scales[1]), m2(scales[2]), m3(scales[3]);
    B a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5], a6 = acc[6], a7 = acc[7];
    auto step = [](B& a, B x, B m) { a = kFused ? xsimd::fma(x, m, a) : a + x * m; };
    for (int i = 0; i < kPeakInner; ++i) {
        const float* p = ring + (i % kPeakRing) * 2 * kLanes;
        const B x0 = B::load_aligned(p), x1 = B::load_aligned(p + kLanes);
        step(a0, x0, m0), step(a1, x0, m1), step(a2, x0, m2), step(a3, x0, m3);
        step(a4, x1, m0), step(a5, x1, m1), step(a6, x1, m2), step(a7, x1, m3);
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4, acc[5] = a5, acc[6] = a6, acc[7] = a7;
}

// GFLOP/s of one core: the best of many ~10 ms windows after a warm-up, `seconds` in all (short
// windows, like one GEMM call, so a machine shared with other work still shows the core's peak).
template <class Arch, bool kFused>
double peak_gflops(double seconds) {
    using B = xsimd::batch<float, Arch>;
    constexpr int kLanes = static_cast<int>(B::size);
    alignas(64) float ring[2 * kPeakRing * kLanes];
    for (int i = 0; i < 2 * kPeakRing * kLanes; ++i) ring[i] = 1e-4f * float(i % 97 + 1);
    volatile float scales_in[4] = {0.999f, 0.998f, 0.997f, 0.996f};
    const float scales[4] = {scales_in[0], scales_in[1], scales_in[2], scales_in[3]};
    alignas(64) B acc[8];
    for (auto& a : acc) a = B(0.0f);
    using Clock = std::chrono::steady_clock;
    auto run_for = [&](double s) {
        int64_t blocks = 0;
        const auto start = Clock::now();
        double elapsed = 0;
        do {
            for (int r = 0; r < 8; ++r) {
                peak_block<Arch, kFused>(acc, ring, scales);
                ring[r] += 1e-7f;  // the data changes between blocks too
            }
            blocks += 8;
            elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        } while (elapsed < s);
        return double(blocks) * kPeakInner * 8 * 2 * kLanes / elapsed * 1e-9;
    };
    run_for(seconds * 0.25);  // warm-up (clocks, and in wasm the optimising tier)
    double best = 0;
    const auto start = Clock::now();
    while (std::chrono::duration<double>(Clock::now() - start).count() < seconds * 0.75)
        best = std::max(best, run_for(0.01));
    alignas(64) float lanes[kLanes];
    float sum = 0;
    for (auto& a : acc) {
        a.store_aligned(lanes);
        for (float v : lanes) sum += v;
    }
    volatile float sink = sum;
    (void)sink;
    return best;
}

}  // namespace cnn::bench
