// Element-wise activations and their gradients. Gradients are written in terms of the
// activation's output y (relu: y > 0, sigmoid: y(1 - y), tanh: 1 - y², softmax: y ⊙ (dy - Σ dy·y)),
// so a layer keeps only its output.
#pragma once
#include <cstdint>

namespace cnn {

enum class Activation { Linear, Relu, Sigmoid, Tanh, Softmax };

// y [rows, cols] = act(x + bias) with bias [cols] (may be null); y may alias x.
void bias_activation_forward(float* y, const float* x, const float* bias, int64_t rows, int64_t cols,
                             Activation act);

// dx [rows, cols] = dy ⊙ act'(·) from the output y; dx may alias dy. Softmax runs along cols.
void activation_backward(float* dx, const float* dy, const float* y, int64_t rows, int64_t cols, Activation act);

// dbias [cols] += Σ_rows dz.
void bias_backward_accumulate(float* dbias, const float* dz, int64_t rows, int64_t cols);

}  // namespace cnn
