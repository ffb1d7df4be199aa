// A layer of a Keras Sequential CNN. Each kind lives in one file of core/layers/ (its Keras config
// fields, shape rule, weights and forward/backward pair) and is registered by its Keras class name
// in core/layers/registry.cpp: a new kind touches those two places.
//
// Tensors are NHWC float arrays with the batch first; a Shape is one sample's shape. Backward
// passes accumulate (+=) into weight gradients and overwrite dx.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/activations.h"
#include "initializers.h"
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
    bool operator!=(const Shape& o) const { return !(*this == o); }
};

// One weight tensor of a layer, named and shaped as Keras and TF.js save it: "kernel"
// [kh, kw, in, filters], "bias" [filters]; a non-trainable one (a moving statistic) is updated by
// the layer itself in training and left alone by the optimiser.
struct WeightSpec {
    std::string name;
    std::vector<int64_t> shape;
    Initializer initializer;  // glorot_uniform unless the config names another
    bool trainable = true;
    Regularizer regularizer;  // what the weight adds to the loss (none by default)

    int64_t count() const;
};

// What a forward or backward pass hands every layer: the batch, the mode, and the model's
// blocks of weights, gradients and shared scratch.
struct Pass {
    int64_t batch = 0;
    bool training = false;  // forward: Dropout masks (drawn from rng), moving statistics
    Rng* rng = nullptr;
    const float* params = nullptr;  // trainable weights
    float* grads = nullptr;         // their gradients (backward)
    float* state = nullptr;         // non-trainable weights
    float* col = nullptr;           // scratch of Layer::scratch_floats (forward and backward)
    float* dcol = nullptr;          // as much again (backward)
};

// The fields of a layer kind's Keras config, listed once in Layer::fields(): the same list reads a
// config (checking each value, and refusing a bad one with the field's name) and writes one.
// Reading leaves a member at its Keras default when the config does not give the field; a
// Required field must be given. Each method returns whether the config gave a value (always true
// when writing).
class ConfigFields {
public:
    enum Need { Optional, Required };
    virtual ~ConfigFields() = default;
    // An integer in [lo, hi].
    virtual bool integer(const char* key, int& value, int lo, int hi, Need need = Optional) = 0;
    // An integer, or a pair (height, width) of integers, each in [lo, hi]: kernel_size, strides.
    virtual bool pair(const char* key, int& h, int& w, int lo, int hi, Need need = Optional) = 0;
    virtual bool number(const char* key, double& value, Need need = Optional) = 0;  // finite
    virtual bool boolean(const char* key, bool& value) = 0;
    virtual bool activation(const char* key, Activation& value) = 0;
    virtual bool padding(const char* key, Padding& value) = 0;
    virtual bool data_format(const char* key) = 0;  // only 'channels_last'
    virtual bool initializer(const char* key, Initializer& value) = 0;
    virtual bool regularizer(const char* key, Regularizer& value) = 0;  // L1, L2, L1L2 or None
    // ZeroPadding2D's padding: an integer, a pair (height, width) or ((top, bottom), (left, right)).
    virtual bool padding_sizes(const char* key, int (&tblr)[4], int lo, int hi) = 0;
};

// The activation that ends a layer's output (Conv2D, Dense, Activation): y = act(z), and in the
// backward dz = act'(y) ⊙ dy, from the output y alone. A model that ends with a softmax "folds"
// it: the layer outputs the logits z and the model applies the softmax apart, because the loss
// differentiates softmax and cross-entropy together (see Model::backward).
struct OutputActivation {
    Activation act = Activation::Linear;
    bool folded = false;

    Activation applied() const { return folded ? Activation::Linear : act; }
    // What a layer's own forward applies as it writes its output, and finish() the rest: an
    // activation whose gradient needs its input (gelu, swish) is applied by finish(), which keeps
    // that input for the backward.
    Activation fused() const { return activation_needs_input(applied()) ? Activation::Linear : applied(); }
    void finish(float* y, int64_t rows, int64_t cols);
    // dz [rows, cols] = act'(y) ⊙ dy for the applied activation; dz may alias dy.
    void backward(float* dz, const float* dy, const float* y, int64_t rows, int64_t cols) const;

private:
    std::vector<float> input_;  // the last forward's input, when the gradient needs it
};

class Layer {
public:
    virtual ~Layer() = default;

    std::string name;  // as the config gives it, or Keras' default (conv2d, conv2d_1, ...)
    Shape in, out;     // set when the model is judged (connect)

    // --- The description -------------------------------------------------------------------
    virtual const char* class_name() const = 0;  // Keras' class name: "Conv2D"
    virtual void fields(ConfigFields& f) = 0;
    // The activation ending the output, for kinds that have one.
    virtual OutputActivation* output_activation() { return nullptr; }
    // The field that sets the size of the output's last axis (Dense units, Conv2D filters), to
    // blame when a model's last layer gives the wrong number of class scores; "" for none.
    virtual const char* width_field() const { return ""; }

    // --- The shape rule ----------------------------------------------------------------------
    // The output shape for input `in` (and what the passes need from it: window geometry).
    // Refuses what Keras would refuse, naming the config field to blame (refuse.h).
    virtual Shape connect(const Shape& in) = 0;
    // The weights for the connected input, in the order Keras saves them.
    virtual std::vector<WeightSpec> weights() const { return {}; }

    // --- The passes --------------------------------------------------------------------------
    // Grows what the layer keeps from a forward for its backward (argmax, masks) to `batch`.
    virtual void reserve(int64_t /*batch*/) {}
    // Floats of scratch (Pass::col, and as much in Pass::dcol) a pass over `batch` needs.
    virtual int64_t scratch_floats(int64_t /*batch*/) const { return 0; }
    // x [batch, in] → y [batch, out].
    virtual void forward(const Pass& p, const float* x, float* y) = 0;
    // dy [batch, out], the gradient of the output (the layer may overwrite it) → dx [batch, in]
    // (null for the first layer), and += into the weight gradients. Mirrors the last forward.
    virtual void backward(const Pass& p, const float* x, const float* y, float* dy, float* dx) = 0;

    // Where the model put the weights (one offset per weights() entry, into Pass::params and
    // Pass::grads when trainable, Pass::state otherwise).
    std::vector<int64_t> weight_offsets;

protected:
    const float* weight(const Pass& p, size_t i) const { return p.params + weight_offsets[i]; }
    float* weight_grad(const Pass& p, size_t i) const { return p.grads + weight_offsets[i]; }
    float* state(const Pass& p, size_t i) const { return p.state + weight_offsets[i]; }  // non-trainable
};

using LayerPtr = std::unique_ptr<Layer>;

// A layer of the kind Keras calls `class_name` ("MaxPool2D" is "MaxPooling2D"), with Keras'
// defaults; null when the engine knows no such kind.
LayerPtr make_layer(const std::string& class_name);
// The class names make_layer knows, one name per kind.
std::vector<std::string> layer_kinds();
// The same for messages: "Conv2D, MaxPooling2D, ...".
std::string layer_classes();

}  // namespace cnn
