// The dropout mask of Dropout and SpatialDropout2D: element i is kept or dropped by draw i of a
// counter-based stream (rng.h: counter_draw), so the mask can be made in slices, on any number
// of threads, with the same bits.
#pragma once
#include <cstdint>

namespace cnn {

// mask[i] for i in [begin, end) ← 0 with probability `rate` (in [0, 1)), else 1 / (1 − rate),
// from draw i of the stream `key`; i < 2^32 (a mask is far smaller).
void dropout_mask(float* mask, int64_t begin, int64_t end, double rate, uint64_t key);

}  // namespace cnn
