#include "dropout.h"

#include <algorithm>
#include <cmath>

#include "../rng.h"

namespace cnn {

void dropout_mask(float* mask, int64_t begin, int64_t end, double rate, uint64_t key) {
    // A draw d is dropped when d / 2^32 < rate, i.e. d < ⌈rate · 2^32⌉ (exact in double).
    const uint32_t threshold = static_cast<uint32_t>(std::min(std::ceil(rate * 4294967296.0), 4294967295.0));
    const float keep = static_cast<float>(1.0 / (1.0 - rate));
    for (int64_t i = begin; i < end; ++i) mask[i] = counter_draw(key, static_cast<uint32_t>(i)) < threshold ? 0.0f : keep;
}

}  // namespace cnn
