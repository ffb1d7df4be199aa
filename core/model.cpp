#include "model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "parallel.h"
#include "refuse.h"

namespace cnn {

Model::Model(ModelSpec spec, const AnalysisOptions& options) : analysis_(analyse(spec, options)) {
    if (!analysis_.valid()) refuse(analysis_.refusal);
    int64_t trainable = 0, non_trainable = 0;
    for (LayerSpec& s : spec.layers) {
        Layer& layer = *s.layer;
        for (const WeightSpec& w : layer.weights()) {
            int64_t& end = w.trainable ? trainable : non_trainable;
            layer.weight_offsets.push_back(end);
            weights_.push_back({layer.name + "/" + w.name, w, end});
            end += w.count();
        }
        layers_.push_back(std::move(s.layer));
    }
    params_.assign(trainable, 0.0f);
    grads_.assign(trainable, 0.0f);
    non_trainable_.assign(non_trainable, 0.0f);
    // The final softmax is left to the loss (see backward): the last layer outputs the logits.
    OutputActivation* last = layers_.back()->output_activation();
    if (last && last->act == Activation::Softmax) last->folded = folded_softmax_ = true;
}

double Model::training_bytes(int64_t batch) const {
    int64_t activations = input_shape().size();
    for (const auto& layer : layers_) activations += layer->out.size();
    return bytes_for_training(param_count(), static_cast<int64_t>(non_trainable_.size()), activations, batch);
}

void Model::init_weights(Rng& rng) {
    for (const ModelWeight& w : weights_) initialize(w.spec.initializer, w.spec.shape, data(w), rng);
}

double Model::regularization(bool with_gradients) {
    double penalty = 0;
    for (const ModelWeight& w : weights_)
        if (w.spec.regularizer.active())
            penalty += w.spec.regularizer.apply(data(w), with_gradients ? grads_.data() + w.offset : nullptr,
                                                w.spec.count());
    return penalty;
}

void Model::reserve(int64_t batch) {
    if (batch <= capacity_) return;
    capacity_ = batch;
    out_.resize(layers_.size());
    int64_t largest = input_shape().size(), scratch = 0;
    for (size_t i = 0; i < layers_.size(); ++i) {
        Layer& layer = *layers_[i];
        largest = std::max(largest, layer.out.size());
        out_[i].resize(batch * layer.out.size());
        layer.reserve(batch);
        scratch = std::max(scratch, layer.scratch_floats(batch));
    }
    if (folded_softmax_) probs_.resize(out_.back().size());
    largest_activation_ = largest;
    col_.resize(scratch);  // the gradient buffers are sized by the first backward: inference never needs them
}

const float* Model::forward(const float* x, int64_t batch, bool training, Rng* rng) {
    reserve(batch);
    input_ = x, batch_ = batch;
    Pass p;
    p.batch = batch, p.training = training, p.rng = rng;
    p.params = params_.data(), p.state = non_trainable_.data(), p.col = col_.data();
    for (size_t i = 0; i < layers_.size(); ++i) layers_[i]->forward(p, input_of(i), out_[i].data());
    if (!folded_softmax_) return out_.back().data();
    const int64_t classes = output_shape().c;
    bias_activation_forward(probs_.data(), logits(), nullptr, batch * output_shape().size() / classes, classes,
                            Activation::Softmax);
    return probs_.data();
}

const float* Model::layer_output(size_t i, int64_t b) const {
    const std::vector<float>& out = folded_softmax_ && i + 1 == layers_.size() ? probs_ : out_.at(i);
    return out.data() + b * layers_.at(i)->out.size();
}

void Model::zero_grads() {
    parallel_for(static_cast<int64_t>(grads_.size()), 4096,
                 [&](int64_t b, int64_t e, int) { std::fill(grads_.begin() + b, grads_.begin() + e, 0.0f); });
}

void Model::backward(const float* dlogits, int64_t batch, const Taps& taps) {
    if (batch != batch_) throw std::logic_error("backward must follow a forward of the same batch");
    dcol_.resize(col_.size());
    grad_a_.resize(capacity_ * largest_activation_), grad_b_.resize(capacity_ * largest_activation_);
    float* dy = grad_a_.data();
    float* dx = grad_b_.data();
    std::memcpy(dy, dlogits, sizeof(float) * batch * output_shape().size());
    Pass p;
    p.batch = batch, p.params = params_.data(), p.grads = grads_.data(), p.state = non_trainable_.data();
    p.col = col_.data(), p.dcol = dcol_.data();
    for (size_t i = layers_.size(); i-- > 0;) {
        if (i == taps.layer) std::memcpy(taps.layer_grad, dy, sizeof(float) * batch * layers_[i]->out.size());
        layers_[i]->backward(p, input_of(i), out_[i].data(), dy, i == 0 ? taps.input_grad : dx);
        std::swap(dx, dy);
    }
}

}  // namespace cnn
