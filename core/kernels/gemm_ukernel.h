// GEMM micro-kernels, written once with xsimd: SIMD128 in wasm (4 lanes), SSE/AVX2/AVX-512
// natively (4, 8 or 16 lanes). Every product is a multiply and an add, never an FMA, and each
// element of C is summed over K in order: the native and wasm builds compute the same bits (see
// simd.h). On AMD Zen, which multiplies and adds on separate pipes, that costs no peak.
// The tile is MR rows × kNR columns (2 vectors), so 2·MR accumulators stay in registers, as in
// BLIS and XNNPACK micro-kernels.
// MR = kMR is the full tile; smaller MR serve the last rows of C (and single-image inference,
// M = 1) without computing padding rows.
#pragma once
#include <cassert>
#include <cstdint>

#include "simd.h"

namespace cnn {

// Rows per tile: 6 on x86 (12 accumulators of 16 or 32 registers). In wasm, V8 keeps fewer
// vector registers free (it reserves a scratch one): its code for a 6-row tile spilled four
// accumulators to the stack every step, a 4-row tile (8 accumulators) keeps them all.
#if XSIMD_WITH_WASM
constexpr int kMR = 4;
#else
constexpr int kMR = 6;
#endif
constexpr int kNR = 2 * kLanes;

// c[MR, kNR] (row stride ldc) = (accumulate ? c : 0) + A · B over kc steps, where
//   A(r, p) = a[r·a_rs + p·a_cs]: a packed panel (a_rs = 1, a_cs = kMR) or A read in place;
//   B(p, ·) = the kNR floats at b + p·ldb: a packed panel (ldb = kNR) or row-major B in place.
// A is only ever broadcast, one scalar at a time, so any layout of A can be read in place.
// kAlignedB: b and ldb keep every row of B vector-aligned (packed panels). It matters in wasm,
// where V8 runs the same loop about 20 % slower with unaligned v128 loads.
template <int MR, bool kAlignedB>
[[gnu::always_inline]] inline void gemm_ukernel_mrx2v(int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* b, int64_t ldb,
                               float* c, int64_t ldc, bool accumulate) {
    static_assert(MR >= 1 && MR <= kMR, "MR rows of accumulators must fit the register file");
    assert(kc >= 0 && a && b && c);
    assert(!kAlignedB || (reinterpret_cast<uintptr_t>(b) % fbatch::arch_type::alignment() == 0 && ldb % kLanes == 0));
    // The accumulators live in registers only if the row loops are unrolled: -O3 does it by
    // itself, the pragmas make -O2 (the sanitizer build) and clang do it too.
    fbatch c0[MR], c1[MR];
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        c0[r] = accumulate ? fbatch::load_unaligned(c + r * ldc) : fbatch(0.0f);
        c1[r] = accumulate ? fbatch::load_unaligned(c + r * ldc + kLanes) : fbatch(0.0f);
    }
    for (int64_t p = 0; p < kc; ++p) {
        const fbatch b0 = kAlignedB ? fbatch::load_aligned(b) : fbatch::load_unaligned(b);
        const fbatch b1 = kAlignedB ? fbatch::load_aligned(b + kLanes) : fbatch::load_unaligned(b + kLanes);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const fbatch ar(a[r * a_rs]);
            c0[r] = c0[r] + ar * b0;
            c1[r] = c1[r] + ar * b1;
        }
        a += a_cs;
        b += ldb;
    }
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        c0[r].store_unaligned(c + r * ldc);
        c1[r].store_unaligned(c + r * ldc + kLanes);
    }
}

// The tile of a single row of C (one image through a Dense layer): c[1, 8 vectors] (+)= a · B,
// a(p) = a[p·a_cs], B(p, ·) = the 8·kLanes floats at b + p·ldb. With two vectors per broadcast
// the loop spent more on loads and loop control than on arithmetic; eight per broadcast also
// keep eight independent chains in flight.
constexpr int kGemvVectors = 8;
constexpr int kGemvColumns = kGemvVectors * kLanes;

[[gnu::always_inline]] inline void gemm_ukernel_1x8v(int64_t kc, const float* a, int64_t a_cs, const float* b, int64_t ldb,
                                                     float* c, bool accumulate) {
    assert(kc >= 0 && a && b && c);
    fbatch acc[kGemvVectors];
#pragma GCC unroll 8
    for (int v = 0; v < kGemvVectors; ++v) acc[v] = accumulate ? fbatch::load_unaligned(c + v * kLanes) : fbatch(0.0f);
    for (int64_t p = 0; p < kc; ++p) {
        const fbatch ap(*a);
#pragma GCC unroll 8
        for (int v = 0; v < kGemvVectors; ++v) acc[v] = acc[v] + ap * fbatch::load_unaligned(b + v * kLanes);
        a += a_cs;
        b += ldb;
    }
#pragma GCC unroll 8
    for (int v = 0; v < kGemvVectors; ++v) acc[v].store_unaligned(c + v * kLanes);
}

}  // namespace cnn
