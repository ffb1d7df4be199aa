// The layers of a Keras Sequential CNN and their forward/backward passes.
// Tensors are NHWC float arrays with the batch first; a Shape is one sample's shape.
// Backward passes accumulate (+=) into parameter gradients and overwrite dx.
#pragma once
#include <cstdint>
#include <string>

#include "kernels/activations.h"
#include "kernels/conv_geometry.h"
#include "rng.h"

namespace cnn {

// One sample's shape: rank 3 (h, w, c) or rank 1 (c values, h = w = 1).
struct Shape {
    int h = 1, w = 1, c = 1;
    int rank = 3;

    int64_t size() const { return int64_t(h) * w * c; }
    std::string str() const;  // Keras style: "(None, 28, 28, 32)" or "(None, 3136)"
    bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c && rank == o.rank; }
};

enum class LayerKind { Conv2D, MaxPool2D, Dropout, Flatten, Dense, Activation };

// What a Keras layer config says (only the fields that kind uses matter).
struct LayerSpec {
    LayerKind kind = LayerKind::Dense;
    std::string name;
    int filters = 0;                 // Conv2D
    int units = 0;                   // Dense
    int kernel_h = 3, kernel_w = 3;  // Conv2D kernel_size, MaxPool2D pool_size
    int stride_h = 1, stride_w = 1;  // MaxPool2D: defaults to pool_size
    Padding padding = Padding::Valid;
    Activation activation = Activation::Linear;
    bool use_bias = true;
    float rate = 0.0f;  // Dropout: the fraction of units dropped
};

// A layer placed in a model: its spec, shapes and where its weights live in the parameter block.
struct Layer {
    LayerSpec spec;
    Shape in, out;
    ConvGeometry geometry;  // Conv2D and MaxPool2D
    int64_t kernel_offset = 0, kernel_count = 0;
    int64_t bias_offset = 0, bias_count = 0;
};

const char* class_name(LayerKind kind);
const char* activation_name(Activation act);

// Conv2D processes the batch in chunks of whole images so its im2col scratch stays within
// kConvChunkRows rows and kConvChunkFloats floats (4 MiB: cache- and memory-friendly); the
// chunking is fixed by the shapes, never by the thread count.
constexpr int64_t kConvChunkRows = 4096;
constexpr int64_t kConvChunkFloats = int64_t{1} << 20;
int64_t conv_chunk_images(const ConvGeometry& g);

// Conv2D: x [B, H, W, C] → y [B, OH, OW, F] = act(conv(x, kernel [KH, KW, C, F]) + bias [F]).
// col: scratch of min(batch, conv_chunk_images(g)) · out_pixels · patch_size floats.
void conv2d_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                    const ConvGeometry& g, int filters, Activation act, float* col);
// dz [B, OH, OW, F] is the gradient after the activation. dx may be null (first layer).
// col, dcol: scratch of that size each.
void conv2d_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x,
                     const float* kernel, int64_t batch, const ConvGeometry& g, int filters, float* col,
                     float* dcol);

// Dense: x [B, K] → y [B, N] = act(x · kernel [K, N] + bias [N]).
void dense_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch, int64_t in,
                   int64_t units, Activation act);
// dz [B, N] is the gradient after the activation. dx may be null.
void dense_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                    int64_t batch, int64_t in, int64_t units);

// MaxPool2D: x [B, H, W, C] → y [B, OH, OW, C]; argmax [B, OH, OW, C] records the winners.
void maxpool2d_forward(float* y, int32_t* argmax, const float* x, int64_t batch, const ConvGeometry& g);
void maxpool2d_backward(float* dx, const float* dy, const int32_t* argmax, int64_t batch, const ConvGeometry& g);

// Dropout (inverted): y = x · mask with mask 0 (probability rate) or 1 / (1 - rate); n values.
void dropout_forward(float* y, float* mask, const float* x, int64_t n, float rate, Rng& rng);
void dropout_backward(float* dx, const float* dy, const float* mask, int64_t n);

// Softmax + sparse categorical cross-entropy on logits [B, C], computed with log-sum-exp.
// Writes probs [B, C] and dlogits [B, C] = (probs - onehot) / B; returns the summed loss
// (not the mean) and counts correct argmax predictions into *correct.
double softmax_cross_entropy(float* probs, float* dlogits, const float* logits, const uint8_t* labels,
                             int64_t batch, int64_t classes, int64_t* correct);

}  // namespace cnn
