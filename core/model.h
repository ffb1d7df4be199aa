// A Sequential model: layers with inferred shapes, one contiguous parameter block (and one
// gradient block of the same layout), and the activations of the last forward pass.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "layers.h"
#include "rng.h"

namespace cnn {

struct ModelSpec {
    std::string name = "sequential";
    Shape input{28, 28, 1, 3};
    std::vector<LayerSpec> layers;
};

// The tutorial's Basic_CNN: Conv32-Conv32-MaxPool-Dropout.25-Conv64-Conv64-MaxPool-Dropout.25-
// Flatten-Dense512-Dropout.5-Dense10-softmax, as Keras would name its layers.
ModelSpec basic_cnn_spec();

// Memory a model may use for training at most (weights, gradients, optimizer state,
// activations); larger architectures are refused up front with the figure they would need at
// kReferenceBatch, and larger batches when training starts. The default suits a native process;
// a host with a smaller heap (the WebAssembly engine) lowers it to what it can still hold.
constexpr int64_t kDefaultMemoryLimit = int64_t{1536} << 20;
constexpr int64_t kReferenceBatch = 32;
int64_t memory_limit();
void set_memory_limit(int64_t bytes);
std::string format_bytes(double bytes);  // "12.3 MiB", "1.5 GiB"

class Model {
public:
    // Infers every layer's shapes and gives unnamed layers Keras' default names. Throws
    // std::invalid_argument naming the layer and the shapes when the architecture is impossible.
    explicit Model(ModelSpec spec);

    const std::string& name() const { return spec_.name; }
    const ModelSpec& spec() const { return spec_; }
    const std::vector<Layer>& layers() const { return layers_; }
    const Shape& input_shape() const { return spec_.input; }
    const Shape& output_shape() const { return layers_.back().out; }
    bool ends_with_softmax() const;
    // About how much memory training at this batch size takes (see memory_limit()).
    double training_bytes(int64_t batch) const;

    std::vector<float>& params() { return params_; }
    const std::vector<float>& params() const { return params_; }
    std::vector<float>& grads() { return grads_; }
    int64_t param_count() const { return static_cast<int64_t>(params_.size()); }

    // Kernels glorot_uniform (limit √(6 / (fan_in + fan_out))), biases zeros.
    void init_weights(Rng& rng);

    // x [batch, input] → returns the output [batch, classes], valid until the next forward.
    // Dropout is active only when training (it then draws its masks from rng).
    const float* forward(const float* x, int64_t batch, bool training, Rng* rng = nullptr);
    // After forward: the output of layer i for sample b of the last batch, and the logits of a
    // softmax-ending model (the input of its final softmax).
    const float* layer_output(size_t i, int64_t b = 0) const;
    const float* logits() const;

    // Backpropagates dlogits [batch, classes] (gradient w.r.t. the final softmax's input) through
    // the last forward, accumulating into grads(). Call zero_grads() first.
    void backward(const float* dlogits, int64_t batch);
    void zero_grads();

    // Keras-style table: layer (type), output shape, params; totals.
    std::string summary() const;

private:
    void reserve(int64_t batch);  // grows the activation buffers; no allocation once warm
    bool has_pre_activation(size_t i) const;

    ModelSpec spec_;
    std::vector<Layer> layers_;
    std::vector<float> params_, grads_;

    // Buffers of the last forward pass and the scratch its backward needs.
    int64_t activations_per_sample_ = 0;
    int64_t capacity_ = 0, batch_ = 0, largest_activation_ = 0;
    const float* input_ = nullptr;
    std::vector<std::vector<float>> out_, pre_, mask_;
    std::vector<std::vector<int32_t>> argmax_;
    std::vector<float> grad_a_, grad_b_, col_, dcol_;
};

}  // namespace cnn
