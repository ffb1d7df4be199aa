// GEMM micro-kernel over packed panels, written once with xsimd: SIMD128 in wasm (4 lanes,
// mul + add), SSE/AVX2 natively (4 or 8 lanes, FMA when compiled with it).
// The tile is kMR rows × kNR columns (2 vectors), so 2·kMR accumulators stay in registers
// (12 of the 16 vector registers x86-64 and V8 give us), as in BLIS and XNNPACK micro-kernels.
#pragma once
#include <cassert>
#include <cstdint>

#include <xsimd/xsimd.hpp>

namespace cnn {

using fbatch = xsimd::batch<float>;
constexpr int kLanes = static_cast<int>(fbatch::size);
constexpr int kMR = 6;
constexpr int kNR = 2 * kLanes;

// c[kMR, kNR] (row stride ldc) = (accumulate ? c : 0) + a · b, where
// a: packed A panel [kc][kMR], b: packed B panel [kc][kNR] (aligned to the vector size).
inline void gemm_ukernel_6x2v(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                              bool accumulate) {
    assert(kc >= 0 && a && b && c);
    assert(reinterpret_cast<uintptr_t>(b) % fbatch::arch_type::alignment() == 0);
    fbatch c0[kMR], c1[kMR];
    for (int r = 0; r < kMR; ++r) {
        c0[r] = accumulate ? fbatch::load_unaligned(c + r * ldc) : fbatch(0.0f);
        c1[r] = accumulate ? fbatch::load_unaligned(c + r * ldc + kLanes) : fbatch(0.0f);
    }
    for (int64_t p = 0; p < kc; ++p) {
        fbatch b0 = fbatch::load_aligned(b);
        fbatch b1 = fbatch::load_aligned(b + kLanes);
        for (int r = 0; r < kMR; ++r) {
            fbatch ar(a[r]);
            c0[r] = xsimd::fma(ar, b0, c0[r]);
            c1[r] = xsimd::fma(ar, b1, c1[r]);
        }
        a += kMR;
        b += kNR;
    }
    for (int r = 0; r < kMR; ++r) {
        c0[r].store_unaligned(c + r * ldc);
        c1[r].store_unaligned(c + r * ldc + kLanes);
    }
}

}  // namespace cnn
