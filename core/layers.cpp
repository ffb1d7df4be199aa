#include "layers.h"

#include <algorithm>
#include <cmath>

#include "kernels/gemm.h"
#include "kernels/im2col.h"
#include "kernels/pooling.h"
#include "parallel.h"

namespace cnn {

std::string Shape::str() const {
    if (rank == 1) return "(None, " + std::to_string(c) + ")";
    return "(None, " + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + ")";
}

const char* class_name(LayerKind kind) {
    switch (kind) {
        case LayerKind::Conv2D: return "Conv2D";
        case LayerKind::MaxPool2D: return "MaxPooling2D";
        case LayerKind::Dropout: return "Dropout";
        case LayerKind::Flatten: return "Flatten";
        case LayerKind::Dense: return "Dense";
        case LayerKind::Activation: return "Activation";
    }
    return "?";
}

const char* activation_name(Activation act) {
    switch (act) {
        case Activation::Linear: return "linear";
        case Activation::Relu: return "relu";
        case Activation::Sigmoid: return "sigmoid";
        case Activation::Tanh: return "tanh";
        case Activation::Softmax: return "softmax";
    }
    return "?";
}

int64_t conv_chunk_images(const ConvGeometry& g) {
    const int64_t pixels = std::max<int64_t>(1, g.out_pixels());
    return std::max<int64_t>(1, std::min(kConvChunkRows / pixels, kConvChunkFloats / (pixels * g.patch_size())));
}

void conv2d_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                    const ConvGeometry& g, int filters, Activation act, float* col) {
    const int64_t in_size = g.in_pixels() * g.channels, pixels = g.out_pixels(), K = g.patch_size();
    const int64_t chunk = conv_chunk_images(g);
    for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
        const int64_t n = std::min(chunk, batch - b0), rows = n * pixels;
        float* yc = y + b0 * pixels * filters;
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) im2col_nhwc(x + (b0 + i) * in_size, g, col + i * pixels * K);
        });
        gemm_parallel(rows, filters, K, row_major(col, K), row_major(kernel, filters), yc, filters, false);
        parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
            bias_activation_forward(yc + r0 * filters, yc + r0 * filters, bias, r1 - r0, filters, act);
        });
    }
}

void conv2d_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                     const float* kernel, int64_t batch, const ConvGeometry& g, int filters, float* col,
                     float* dcol) {
    const int64_t in_size = g.in_pixels() * g.channels, pixels = g.out_pixels(), K = g.patch_size();
    const int64_t chunk = conv_chunk_images(g);
    for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
        const int64_t n = std::min(chunk, batch - b0), rows = n * pixels;
        const float* dzc = dz + b0 * pixels * filters;
        // The forward's im2col is recomputed rather than kept: it is cheap next to the GEMMs
        // and keeping it would cost tens of MB per layer.
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) im2col_nhwc(x + (b0 + i) * in_size, g, col + i * pixels * K);
        });
        // dkernel [K, F] += colᵀ [K, rows] · dz [rows, F]
        gemm_parallel(K, filters, rows, row_major(col, K).transposed(), row_major(dzc, filters), dkernel, filters,
                      true);
        if (dbias) bias_backward_accumulate(dbias, dzc, rows, filters);
        if (!dx) continue;
        // dcol [rows, K] = dz [rows, F] · kernelᵀ [F, K]
        gemm_parallel(rows, K, filters, row_major(dzc, filters), row_major(kernel, filters).transposed(), dcol, K,
                      false);
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) {
                float* dxi = dx + (b0 + i) * in_size;
                std::fill(dxi, dxi + in_size, 0.0f);
                col2im_nhwc_accumulate(dcol + i * pixels * K, g, dxi);
            }
        });
    }
}

void dense_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch, int64_t in,
                   int64_t units, Activation act) {
    gemm_parallel(batch, units, in, row_major(x, in), row_major(kernel, units), y, units, false);
    bias_activation_forward(y, y, bias, batch, units, act);
}

void dense_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                    int64_t batch, int64_t in, int64_t units) {
    // dkernel [K, N] += xᵀ [K, B] · dz [B, N]
    gemm_parallel(in, units, batch, row_major(x, in).transposed(), row_major(dz, units), dkernel, units, true);
    if (dbias) bias_backward_accumulate(dbias, dz, batch, units);
    // dx [B, K] = dz [B, N] · kernelᵀ [N, K]
    if (dx) gemm_parallel(batch, in, units, row_major(dz, units), row_major(kernel, units).transposed(), dx, in, false);
}

void maxpool2d_forward(float* y, int32_t* argmax, const float* x, int64_t batch, const ConvGeometry& g) {
    const int64_t in_size = g.in_pixels() * g.channels, out_size = g.out_pixels() * g.channels;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b) maxpool_nhwc(x + b * in_size, g, y + b * out_size, argmax + b * out_size);
    });
}

void maxpool2d_backward(float* dx, const float* dy, const int32_t* argmax, int64_t batch, const ConvGeometry& g) {
    const int64_t in_size = g.in_pixels() * g.channels, out_size = g.out_pixels() * g.channels;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b) {
            std::fill(dx + b * in_size, dx + (b + 1) * in_size, 0.0f);
            maxpool_nhwc_backward_accumulate(dy + b * out_size, argmax + b * out_size, g, dx + b * in_size);
        }
    });
}

void dropout_forward(float* y, float* mask, const float* x, int64_t n, float rate, Rng& rng) {
    const float keep_scale = 1.0f / (1.0f - rate);
    for (int64_t i = 0; i < n; ++i) {
        mask[i] = rng.uniform() < rate ? 0.0f : keep_scale;
        y[i] = x[i] * mask[i];
    }
}

void dropout_backward(float* dx, const float* dy, const float* mask, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * mask[i];
}

double softmax_cross_entropy(float* probs, float* dlogits, const float* logits, const uint8_t* labels,
                             int64_t batch, int64_t classes, int64_t* correct) {
    double loss = 0.0;
    const float inv_batch = 1.0f / static_cast<float>(batch);
    for (int64_t b = 0; b < batch; ++b) {
        const float* z = logits + b * classes;
        float* p = probs + b * classes;
        const int64_t argmax = std::max_element(z, z + classes) - z;
        const float m = z[argmax];
        double sum = 0.0;
        for (int64_t k = 0; k < classes; ++k) sum += (p[k] = std::exp(z[k] - m));
        const float inv = static_cast<float>(1.0 / sum);
        for (int64_t k = 0; k < classes; ++k) p[k] *= inv;
        const int y = labels[b];
        loss += std::log(sum) - double(z[y] - m);  // -log softmax(z)_y, without underflow
        if (correct && argmax == y) ++*correct;
        if (dlogits)
            for (int64_t k = 0; k < classes; ++k)
                dlogits[b * classes + k] = (p[k] - (k == y ? 1.0f : 0.0f)) * inv_batch;
    }
    return loss;
}

}  // namespace cnn
