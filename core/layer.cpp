#include "layer.h"

#include <algorithm>

#include "parallel.h"

namespace cnn {

std::string Shape::str() const {
    if (rank == 1) return "(None, " + std::to_string(c) + ")";
    return "(None, " + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + ")";
}

int64_t WeightSpec::count() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

void OutputActivation::finish(float* y, int64_t rows, int64_t cols) {
    if (fused() == applied()) return;
    input_.assign(y, y + rows * cols);
    parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
        bias_activation_forward(y + r0 * cols, y + r0 * cols, nullptr, r1 - r0, cols, applied());
    });
}

void OutputActivation::backward(float* dz, const float* dy, const float* y, int64_t rows, int64_t cols) const {
    if (applied() == Activation::Linear && dz == dy) return;
    const float* x = activation_needs_input(applied()) ? input_.data() : nullptr;
    // Rows are independent, so splitting them over the pool does not change the result.
    parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
        activation_backward(dz + r0 * cols, dy + r0 * cols, y + r0 * cols, r1 - r0, cols, applied(),
                            x ? x + r0 * cols : nullptr);
    });
}

}  // namespace cnn
