// The one thread pool. parallel_for splits [0, n) into one contiguous slice per thread; the
// split depends only on n and the thread count, and every kernel we run through it writes
// disjoint outputs, so results do not depend on timing.
#pragma once
#include <cstdint>
#include <functional>

namespace cnn {

// Sets the number of threads used by parallel_for (the caller counts as one). Returns the
// number actually used: 1 in builds without threads, at most kMaxThreads otherwise.
int set_num_threads(int n);
int num_threads();
constexpr int kMaxThreads = 4;

// Calls body(begin, end, slice) for each non-empty slice of [0, n); slice < num_threads().
// Slice boundaries are multiples of `grain` (except the end), so callers can align work to tiles.
// If body throws in any slice, the first exception is rethrown here once every slice has ended.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& body);

}  // namespace cnn
