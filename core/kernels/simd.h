// The one SIMD vocabulary of the kernels (xsimd: SIMD128 in wasm, SSE/AVX2/AVX-512 natively).
// Element-wise kernels are written once over a lane type T — fbatch for whole vectors, float for
// what is left over — and run by for_each_lane_block.
//
// The native and wasm builds compute the same bits: WebAssembly SIMD128 has no FMA (relaxed SIMD
// would, but Debian's Emscripten cannot emit it), so no kernel uses one, native builds are
// compiled with -ffp-contract=off so the compiler fuses none either, and no sum's order depends on
// the number of lanes. It matters more than it seems: Winograd's transforms amplify rounding, and
// Adam's first steps move every weight by ±lr whatever the size of its gradient, so a last-bit
// difference grew to 1e-3 of the loss within a few steps.
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace cnn {

using fbatch = xsimd::batch<float>;
constexpr int kLanes = static_cast<int>(fbatch::size);

template <class T>
constexpr int lanes_of = std::is_same_v<T, float> ? 1 : kLanes;

template <class T>
T load_lanes(const float* p) {
    if constexpr (std::is_same_v<T, float>) return *p;
    else return T::load_unaligned(p);
}

template <class T>
void store_lanes(float* p, T v) {
    if constexpr (std::is_same_v<T, float>) *p = v;
    else v.store_unaligned(p);
}

// a·b + c as a multiply and an add (see above).
template <class T>
T mad(T a, T b, T c) {
    return a * b + c;
}

template <class T>
T relu(T v) {
    if constexpr (std::is_same_v<T, float>) return std::max(v, 0.0f);
    else return xsimd::max(v, T(0.0f));
}

// Calls body(T{}, i) over [0, n): i advancing by kLanes with T = fbatch, then by 1 with T = float.
template <class Body>
void for_each_lane_block(int64_t n, Body body) {
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) body(fbatch(), i);
    for (; i < n; ++i) body(0.0f, i);
}

}  // namespace cnn
