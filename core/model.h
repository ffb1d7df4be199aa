// A Sequential model: its layers as the analysis connected them, one contiguous block of
// trainable weights (and one gradient block of the same layout, which the optimiser steps), one
// block of non-trainable weights, and the activations of the last forward pass.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis.h"
#include "rng.h"

namespace cnn {

// A weight of the model, named as a TF.js weights manifest names it ("conv2d/kernel").
struct ModelWeight {
    std::string name;
    WeightSpec spec;
    int64_t offset;  // into params() when trainable, non_trainable() otherwise
};

class Model {
public:
    // Judges the description (analyse) and builds it; throws std::invalid_argument with the
    // analysis' refusal when the engine cannot. Weights are zero until init_weights or a load.
    explicit Model(ModelSpec spec, const AnalysisOptions& options = AnalysisOptions::any_output());

    const std::string& name() const { return analysis_.name; }
    const Analysis& analysis() const { return analysis_; }
    const std::vector<LayerPtr>& layers() const { return layers_; }
    const Shape& input_shape() const { return analysis_.input; }
    const Shape& output_shape() const { return layers_.back()->out; }
    bool ends_with_softmax() const { return folded_softmax_; }
    // About how much memory training at this batch size takes (see memory_limit()).
    double training_bytes(int64_t batch) const;

    // The trainable weights (what the optimiser steps) and their gradients.
    std::vector<float>& params() { return params_; }
    const std::vector<float>& params() const { return params_; }
    std::vector<float>& grads() { return grads_; }
    int64_t param_count() const { return static_cast<int64_t>(params_.size()); }
    // The non-trainable weights (moving statistics).
    std::vector<float>& non_trainable() { return non_trainable_; }
    const std::vector<float>& non_trainable() const { return non_trainable_; }
    // Every weight, layer by layer in the order Keras saves them.
    const std::vector<ModelWeight>& weights() const { return weights_; }
    float* data(const ModelWeight& w) { return (w.spec.trainable ? params_ : non_trainable_).data() + w.offset; }
    const float* data(const ModelWeight& w) const {
        return (w.spec.trainable ? params_ : non_trainable_).data() + w.offset;
    }

    // Each weight from its initializer (by default kernels glorot_uniform, biases zeros).
    void init_weights(Rng& rng);
    // The penalty the weights' regularizers add to the loss (Keras adds it to the batch's mean
    // loss); with_gradients adds its gradient into grads() (after backward).
    double regularization(bool with_gradients);

    // x [batch, input] → returns the output [batch, classes], valid until the next forward.
    // Dropout is active only when training (it then draws its masks from rng).
    const float* forward(const float* x, int64_t batch, bool training, Rng* rng = nullptr);
    // After forward: the output of layer i for sample b of the last batch, and the logits: the
    // input of the model's final softmax (its output, when it does not end with one).
    const float* layer_output(size_t i, int64_t b = 0) const;
    const float* logits() const { return out_.back().data(); }

    // Backpropagates through the last forward, accumulating into grads(); call zero_grads() first.
    // dlogits [batch, classes] is the gradient of the logits: a model ending with a softmax leaves
    // that softmax to the loss, which differentiates softmax and cross-entropy together
    // (probs − onehot: exact, where the softmax's own backward would divide by tiny probabilities).
    // taps (optional) also keep the gradient of one layer's output, as the backward reaches it
    // [batch, that layer's output], and of the model's input [batch, input] (the first layer's dx,
    // which training skips): what explanations of a prediction (explain.h) read.
    struct Taps {
        size_t layer = SIZE_MAX;
        float* layer_grad = nullptr;
        float* input_grad = nullptr;
    };
    void backward(const float* dlogits, int64_t batch, const Taps& taps);
    void backward(const float* dlogits, int64_t batch) { backward(dlogits, batch, Taps{}); }
    void zero_grads();

    // Keras-style table: layer (type), output shape, params; totals.
    std::string summary() const { return analysis_.summary(); }

private:
    void reserve(int64_t batch);  // grows the activation buffers; no allocation once warm
    const float* input_of(size_t i) const { return i == 0 ? input_ : out_[i - 1].data(); }

    Analysis analysis_;
    std::vector<LayerPtr> layers_;
    std::vector<ModelWeight> weights_;
    bool folded_softmax_ = false;  // the last layer outputs logits; forward applies the softmax
    std::vector<float> params_, grads_, non_trainable_;

    // Buffers of the last forward pass and the scratch its backward needs.
    int64_t capacity_ = 0, batch_ = 0, largest_activation_ = 0;
    const float* input_ = nullptr;
    std::vector<std::vector<float>> out_;
    std::vector<float> probs_;
    std::vector<float> grad_a_, grad_b_, col_, dcol_;
};

}  // namespace cnn
