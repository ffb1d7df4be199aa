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

// TensorFlow.js' constants and formulas (tfjs-backend-cpu kernels Selu, Softplus; tfjs-layers
// activations gelu = x·Φ(x) with the exact erf, swish = x·sigmoid(x), relu6 = min(6, relu(x))).
constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kSeluScaleAlpha = 1.7580993408473768599402175208123f;

float softplus(float x) {
    // Past these bounds softplus(x) is x or exp(x) within float's epsilon (TF.js' thresholds).
    const float threshold = std::log(1.1920928955078125e-7f) + 2.0f;
    if (x < threshold) return std::exp(x);
    if (x > -threshold) return x;
    return std::log1p(std::exp(x));
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

float gelu_cdf(float x) { return 0.5f * (1.0f + std::erf(x * 0.70710678118654752f)); }

float activate(float x, Activation act) {
    switch (act) {
        case Activation::Relu: return std::max(0.0f, x);
        case Activation::Sigmoid: return sigmoid(x);
        case Activation::Tanh: return std::tanh(x);
        case Activation::Elu: return x >= 0 ? x : std::expm1(x);
        case Activation::Selu: return x >= 0 ? kSeluScale * x : kSeluScaleAlpha * std::expm1(x);
        case Activation::Gelu: return x * gelu_cdf(x);
        case Activation::Swish: return x * sigmoid(x);
        case Activation::Softplus: return softplus(x);
        case Activation::Relu6: return std::min(6.0f, std::max(0.0f, x));
        default: return x;
    }
}

// d act / dx at input x, output y.
float derivative(float x, float y, Activation act) {
    switch (act) {
        case Activation::Sigmoid: return y * (1.0f - y);
        case Activation::Tanh: return 1.0f - y * y;
        case Activation::Elu: return y > 0 ? 1.0f : y + 1.0f;
        case Activation::Selu: return y > 0 ? kSeluScale : y + kSeluScaleAlpha;
        case Activation::Gelu: return gelu_cdf(x) + x * 0.3989422804014327f * std::exp(-0.5f * x * x);
        case Activation::Swish: {
            const float s = sigmoid(x);
            return s * (1.0f + x * (1.0f - s));
        }
        case Activation::Softplus: return -std::expm1(-y);  // sigmoid(x) = 1 - exp(-softplus(x))
        case Activation::Relu6: return y > 0 && y < 6 ? 1.0f : 0.0f;
        default: return 1.0f;
    }
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
        if (act == Activation::Softmax) softmax_row(y, y, cols);
        else if (act != Activation::Linear)
            for (int64_t k = 0; k < cols; ++k) y[k] = activate(y[k], act);
    }
}

void activation_backward(float* dx, const float* dy, const float* y, int64_t rows, int64_t cols, Activation act,
                         const float* x) {
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
        default:
            for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * derivative(x ? x[i] : 0.0f, y[i], act);
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
