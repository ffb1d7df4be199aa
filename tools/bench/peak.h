// The arithmetic peak of one core for a SIMD instruction set, measured rather than looked up:
// independent accumulator chains fed from a small ring of vectors in L1, so no multiply is
// loop-invariant and nothing can be hoisted. FMA needs 12 chains (two pipes with a latency of
// up to 5-6 cycles; with 8, Zen 5 measured half its peak), a separate multiply and add 8 (the
// add's 3 cycles on two pipes), which also leaves SIMD128's 16 registers enough room.
// Fused = FMA (x86 AVX2/AVX-512); otherwise a separate multiply and add, as the kernels compute
// (WebAssembly SIMD128 has no FMA without relaxed SIMD; see core/kernels/simd.h).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace cnn::bench {

constexpr int kPeakRing = 16, kPeakInner = 4096;

template <bool kFused>
constexpr int kPeakChains = kFused ? 12 : 8;

// One block of kPeakInner iterations, kPeakChains vector multiply-adds each. Not inlined: V8
// optimises a wasm function only from its next call on, so the timed loop must call it many times.
template <class Arch, bool kFused>
__attribute__((noinline)) void peak_block(xsimd::batch<float, Arch>* acc, const float* ring, const float* scales) {
    using B = xsimd::batch<float, Arch>;
    constexpr int kLanes = static_cast<int>(B::size), kChains = kPeakChains<kFused>;
    // Multipliers read from memory, not literals: V8 rebuilds a v128 literal at every use.
    const B m[2] = {B(scales[0]), B(scales[1])};
    B a[kChains];
#pragma GCC unroll 16
    for (int k = 0; k < kChains; ++k) a[k] = acc[k];
    for (int i = 0; i < kPeakInner; ++i) {
        const float* p = ring + (i % kPeakRing) * 2 * kLanes;
        const B x[2] = {B::load_aligned(p), B::load_aligned(p + kLanes)};
#pragma GCC unroll 16
        for (int k = 0; k < kChains; ++k) {
            const B& xk = x[k % 2];
            const B& mk = m[(k / 2) % 2];
            a[k] = kFused ? xsimd::fma(xk, mk, a[k]) : a[k] + xk * mk;
        }
    }
#pragma GCC unroll 16
    for (int k = 0; k < kChains; ++k) acc[k] = a[k];
}

// GFLOP/s of one core: the best of many ~10 ms windows after a warm-up, `seconds` in all (short
// windows, like one GEMM call, so a machine shared with other work still shows the core's peak).
template <class Arch, bool kFused>
double peak_gflops(double seconds) {
    using B = xsimd::batch<float, Arch>;
    constexpr int kLanes = static_cast<int>(B::size);
    alignas(64) float ring[2 * kPeakRing * kLanes];
    for (int i = 0; i < 2 * kPeakRing * kLanes; ++i) ring[i] = 1e-4f * float(i % 97 + 1);
    volatile float scales_in[2] = {0.999f, 0.998f};
    const float scales[2] = {scales_in[0], scales_in[1]};
    alignas(64) B acc[kPeakChains<kFused>];
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
        return double(blocks) * kPeakInner * kPeakChains<kFused> * 2 * kLanes / elapsed * 1e-9;
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
