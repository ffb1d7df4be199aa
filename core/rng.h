// One small seeded generator (PCG32) so a seed gives the same run natively and in wasm:
// the standard library's distributions differ between implementations, so we draw our own.
// Beside it, a counter-based draw for the masks that must be made in parallel slices.
#pragma once
#include <cstdint>

namespace cnn {

class Rng {
public:
    explicit Rng(uint64_t seed = 1) { reseed(seed); }

    void reseed(uint64_t seed) {
        state_ = 0;
        next_u32();
        state_ += seed;
        next_u32();
    }

    // PCG-XSH-RR (O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
    // Algorithms for Random Number Generation", 2014).
    uint32_t next_u32() {
        uint64_t old = state_;
        state_ = old * 6364136223846793005ULL + 1442695040888963407ULL;
        uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
        uint32_t rot = static_cast<uint32_t>(old >> 59u);
        return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
    }

    uint64_t next_u64() {
        const uint64_t high = next_u32();
        return high << 32 | next_u32();
    }

    // Uniform in [0, 1) with 24 bits: exactly representable as float.
    float uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n), unbiased (rejection of the short last bucket).
    uint32_t below(uint32_t n) {
        uint32_t threshold = static_cast<uint32_t>(-n) % n;
        for (;;) {
            uint32_t r = next_u32();
            if (r >= threshold) return r % n;
        }
    }

private:
    uint64_t state_ = 0;
};

// Draw i of the stream `key`, as counter-based generators make it (the idea of Random123's
// Philox: Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3", SC 2011): a keyed hash
// of the counter, so any range of draws can be made on its own, in any order or slice, with the
// same bits. Two rounds of Wellons' lowbias32 mixer (a bijection of 32 bits, from his
// hash-prospector), keyed by the two halves of `key`; only 32-bit multiplies, so it vectorises
// (SIMD128 included).
inline uint32_t counter_draw(uint64_t key, uint32_t i) {
    auto mix = [](uint32_t x) {
        x ^= x >> 16;
        x *= 0x7feb352du;
        x ^= x >> 15;
        x *= 0x846ca68bu;
        return x ^ (x >> 16);
    };
    return mix(mix(i ^ static_cast<uint32_t>(key)) + static_cast<uint32_t>(key >> 32));
}

}  // namespace cnn
