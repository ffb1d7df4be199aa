#include "activations.h"

#include <algorithm>
#include <cmath>

#include <xsimd/xsimd.hpp>

namespace cnn {
namespace {

using fbatch = xsimd::batch<float>;
constexpr int64_t kLanes = fbatch::size;

void softmax_row(float* y, const float* x, int64_t n) {
    float m = *std::max_element(x, x + n);
    float sum = 0.0f;
    for (int64_t k = 0; k < n; ++k) sum += (y[k] = std::exp(x[k] - m));
    float inv = 1.0f / sum;
    for (int64_t k = 0; k < n; ++k) y[k] *= inv;
}

// Bias + ReLU is the hot case (every conv and the first dense): vectorised.
void bias_relu_row(float* y, const float* x, const float* bias, int64_t n) {
    int64_t k = 0;
    const fbatch zero(0.0f);
    for (; k + kLanes <= n; k += kLanes) {
        fbatch v = fbatch::load_unaligned(x + k);
        if (bias) v += fbatch::load_unaligned(bias + k);
        xsimd::max(v, zero).store_unaligned(y + k);
    }
    for (; k < n; ++k) y[k] = std::max(0.0f, x[k] + (bias ? bias[k] : 0.0f));
}

}  // namespace

void bias_activation_forward(float* y, const float* x, const float* bias, int64_t rows, int64_t cols,
                             Activation act) {
    for (int64_t r = 0; r < rows; ++r, y += cols, x += cols) {
        if (act == Activation::Relu) {
            bias_relu_row(y, x, bias, cols);
            continue;
        }
        for (int64_t k = 0; k < cols; ++k) y[k] = x[k] + (bias ? bias[k] : 0.0f);
        switch (act) {
            case Activation::Sigmoid:
                for (int64_t k = 0; k < cols; ++k) y[k] = 1.0f / (1.0f + std::exp(-y[k]));
                break;
            case Activation::Tanh:
                for (int64_t k = 0; k < cols; ++k) y[k] = std::tanh(y[k]);
                break;
            case Activation::Softmax: softmax_row(y, y, cols); break;
            default: break;
        }
    }
}

void activation_backward(float* dx, const float* dy, const float* y, int64_t rows, int64_t cols, Activation act) {
    const int64_t n = rows * cols;
    switch (act) {
        case Activation::Linear:
            if (dx != dy) std::copy(dy, dy + n, dx);
            break;
        case Activation::Relu: {
            int64_t i = 0;
            const fbatch zero(0.0f);
            for (; i + kLanes <= n; i += kLanes) {
                fbatch g = fbatch::load_unaligned(dy + i);
                xsimd::select(fbatch::load_unaligned(y + i) > zero, g, zero).store_unaligned(dx + i);
            }
            for (; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
            break;
        }
        case Activation::Sigmoid:
            for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
            break;
        case Activation::Tanh:
            for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
            break;
        case Activation::Softmax:
            for (int64_t r = 0; r < rows; ++r, dx += cols, dy += cols, y += cols) {
                float dot = 0.0f;
                for (int64_t k = 0; k < cols; ++k) dot += dy[k] * y[k];
                for (int64_t k = 0; k < cols; ++k) dx[k] = y[k] * (dy[k] - dot);
            }
            break;
    }
}

void bias_backward_accumulate(float* dbias, const float* dz, int64_t rows, int64_t cols) {
    for (int64_t r = 0; r < rows; ++r, dz += cols)
        for (int64_t k = 0; k < cols; ++k) dbias[k] += dz[k];
}

}  // namespace cnn
