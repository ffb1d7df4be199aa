// Element-wise activations and their gradients, with TensorFlow.js' formulas. Gradients are
// written in terms of the activation's output y (relu: y > 0, sigmoid: y(1 - y), tanh: 1 - y²,
// softmax: y ⊙ (dy - Σ dy·y), elu: y + 1 below 0), so a layer keeps only its output; gelu and
// swish are not functions of their output, and need their input x too.
#pragma once
#include <cstdint>

namespace cnn {

enum class Activation { Linear, Relu, Sigmoid, Tanh, Softmax, Elu, Selu, Gelu, Swish, Softplus, Relu6 };

// Whether the gradient needs the activation's input (gelu, swish) besides its output.
inline bool activation_needs_input(Activation act) { return act == Activation::Gelu || act == Activation::Swish; }

// y [rows, cols] = act(x + bias) with bias [cols] (may be null); y may alias x.
void bias_activation_forward(float* y, const float* x, const float* bias, int64_t rows, int64_t cols,
                             Activation act);

// dx [rows, cols] = dy ⊙ act'(·) from the output y, and the input x when activation_needs_input
// (else x may be null); dx may alias dy. Softmax runs along cols.
void activation_backward(float* dx, const float* dy, const float* y, int64_t rows, int64_t cols, Activation act,
                         const float* x = nullptr);

// dbias [cols] += Σ_rows dz.
void bias_backward_accumulate(float* dbias, const float* dz, int64_t rows, int64_t cols);

}  // namespace cnn
