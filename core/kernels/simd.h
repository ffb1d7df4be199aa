// The one SIMD vocabulary of the kernels (xsimd: SIMD128 in wasm, SSE/AVX2/AVX-512 natively).
// Element-wise kernels are written once over a lane type T — fbatch for whole vectors, float for
// what is left over — and run by for_each_lane_block.
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

// a·b + c: one FMA where the ISA has it (x86 with FMA), a multiply and an add otherwise.
template <class T>
T mad(T a, T b, T c) {
    if constexpr (std::is_same_v<T, float>) return a * b + c;
    else return xsimd::fma(a, b, c);
}

template <class T>
T relu(T v) {
    if constexpr (std::is_same_v<T, float>) return std::max(v, 0.0f);
    else return xsimd::max(v, T(0.0f));
}

template <class T>
float sum_lanes(T v) {
    if constexpr (std::is_same_v<T, float>) return v;
    else return xsimd::reduce_add(v);
}

// Calls body(T{}, i) over [0, n): i advancing by kLanes with T = fbatch, then by 1 with T = float.
template <class Body>
void for_each_lane_block(int64_t n, Body body) {
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) body(fbatch(), i);
    for (; i < n; ++i) body(0.0f, i);
}

}  // namespace cnn
