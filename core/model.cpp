#include "model.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

#include "parallel.h"

namespace cnn {
namespace {

std::string keras_base_name(LayerKind kind) {
    switch (kind) {
        case LayerKind::Conv2D: return "conv2d";
        case LayerKind::MaxPool2D: return "max_pooling2d";
        case LayerKind::Dropout: return "dropout";
        case LayerKind::Flatten: return "flatten";
        case LayerKind::Dense: return "dense";
        case LayerKind::Activation: return "activation";
    }
    return "layer";
}

std::string with_commas(int64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(i, ",");
    return s;
}

// dy ⊙ act'(y) in place over rows [rows, cols], the rows split over the pool (each row is
// independent, so the split does not change the result).
void activation_backward_rows(float* dy, const float* y, int64_t rows, int64_t cols, Activation act) {
    parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
        activation_backward(dy + r0 * cols, dy + r0 * cols, y + r0 * cols, r1 - r0, cols, act);
    });
}

std::string describe(const Layer& l) { return std::string(class_name(l.spec.kind)) + " '" + l.spec.name + "'"; }

[[noreturn]] void refuse(const Layer& l, const std::string& why) {
    throw std::invalid_argument(describe(l) + ": " + why);
}

std::string window_str(int h, int w) { return std::to_string(h) + "x" + std::to_string(w); }

// Shapes of one layer from its input; refuses what Keras would refuse.
void infer_shapes(Layer& l) {
    const LayerSpec& s = l.spec;
    const Shape& in = l.in;
    switch (s.kind) {
        case LayerKind::Conv2D:
        case LayerKind::MaxPool2D: {
            bool conv = s.kind == LayerKind::Conv2D;
            if (in.rank != 3) refuse(l, "needs a 3-D input (height, width, channels) but gets " + in.str());
            if (conv && s.filters < 1) refuse(l, "filters must be at least 1 (got " + std::to_string(s.filters) + ")");
            if (s.kernel_h < 1 || s.kernel_w < 1)
                refuse(l, std::string(conv ? "kernel_size" : "pool_size") + " must be at least 1x1 (got " +
                              window_str(s.kernel_h, s.kernel_w) + ")");
            if (s.stride_h < 1 || s.stride_w < 1)
                refuse(l, "strides must be at least 1 (got " + window_str(s.stride_h, s.stride_w) + ")");
            l.geometry = make_conv_geometry(in.h, in.w, in.c, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.padding);
            if (l.geometry.out_h < 1 || l.geometry.out_w < 1)
                refuse(l, "a " + window_str(s.kernel_h, s.kernel_w) + " 'valid' window does not fit the " +
                              window_str(in.h, in.w) + " input " + in.str() + "; use padding 'same' or a smaller window");
            l.out = {l.geometry.out_h, l.geometry.out_w, conv ? s.filters : in.c, 3};
            if (conv) {
                l.kernel_count = int64_t(s.kernel_h) * s.kernel_w * in.c * s.filters;
                l.bias_count = s.use_bias ? s.filters : 0;
            }
            break;
        }
        case LayerKind::Dense:
            if (in.rank != 1)
                refuse(l, "needs a flat input but gets " + in.str() + "; add a Flatten layer before it");
            if (s.units < 1) refuse(l, "units must be at least 1 (got " + std::to_string(s.units) + ")");
            l.out = {1, 1, s.units, 1};
            l.kernel_count = int64_t(in.c) * s.units;
            l.bias_count = s.use_bias ? s.units : 0;
            break;
        case LayerKind::Dropout:
            if (!(s.rate >= 0.0f && s.rate < 1.0f))
                refuse(l, "rate is the fraction dropped and must be in [0, 1) (got " + std::to_string(s.rate) + ")");
            l.out = in;
            break;
        case LayerKind::Flatten: l.out = {1, 1, static_cast<int>(std::min<int64_t>(in.size(), INT32_MAX)), 1}; break;
        case LayerKind::Activation: l.out = in; break;
    }
}

std::atomic<int64_t> memory_limit_bytes{kDefaultMemoryLimit};

// Weights, gradients and two optimizer slots, plus every activation and its gradient for a batch.
double bytes_for_training(int64_t params, int64_t activations_per_sample, int64_t batch) {
    return 4.0 * (4.0 * double(params) + 2.0 * double(batch) * double(activations_per_sample));
}

}  // namespace

int64_t memory_limit() { return memory_limit_bytes.load(); }
void set_memory_limit(int64_t bytes) { memory_limit_bytes.store(std::max<int64_t>(bytes, 0)); }

std::string format_bytes(double bytes) {
    std::ostringstream os;
    os.precision(3);
    if (bytes >= double(1 << 30)) os << bytes / double(1 << 30) << " GiB";
    else os << bytes / double(1 << 20) << " MiB";
    return os.str();
}

ModelSpec basic_cnn_spec() {
    auto conv = [](int filters) {
        LayerSpec s;
        s.kind = LayerKind::Conv2D, s.filters = filters, s.padding = Padding::Same, s.activation = Activation::Relu;
        return s;
    };
    auto pool = [] {
        LayerSpec s;
        s.kind = LayerKind::MaxPool2D, s.kernel_h = s.kernel_w = 2, s.stride_h = s.stride_w = 2;
        return s;
    };
    auto dropout = [](float rate) {
        LayerSpec s;
        s.kind = LayerKind::Dropout, s.rate = rate;
        return s;
    };
    auto dense = [](int units, Activation act) {
        LayerSpec s;
        s.kind = LayerKind::Dense, s.units = units, s.activation = act;
        return s;
    };
    LayerSpec flatten;
    flatten.kind = LayerKind::Flatten;
    ModelSpec m;
    m.name = "Basic_CNN";
    m.layers = {conv(32),    conv(32), pool(), dropout(0.25f), conv(64), conv(64), pool(), dropout(0.25f), flatten,
                dense(512, Activation::Relu), dropout(0.5f), dense(10, Activation::Softmax)};
    return m;
}

Model::Model(ModelSpec spec) : spec_(std::move(spec)) {
    if (spec_.layers.empty()) throw std::invalid_argument("the model has no layers");
    const Shape& input = spec_.input;
    if (input.h < 1 || input.w < 1 || input.c < 1)
        throw std::invalid_argument("the input shape " + input.str() + " must be positive in every dimension");

    std::map<std::string, int> used;  // Keras' default names: conv2d, conv2d_1, ...
    for (const auto& s : spec_.layers)
        if (!s.name.empty() && !used.emplace(s.name, 0).second)
            throw std::invalid_argument("two layers are named '" + s.name + "'; layer names must be unique");
    for (auto& s : spec_.layers) {
        if (!s.name.empty()) continue;
        std::string base = keras_base_name(s.kind), name = base;
        for (int k = 1; used.count(name); ++k) name = base + "_" + std::to_string(k);
        used.emplace(name, 0);
        s.name = name;
    }

    Shape shape = input;
    int64_t params = 0, activations = shape.size();
    for (const auto& s : spec_.layers) {
        Layer l;
        l.spec = s;
        l.in = shape;
        infer_shapes(l);
        l.kernel_offset = params;
        l.bias_offset = params + l.kernel_count;
        params += l.kernel_count + l.bias_count;
        activations += l.out.size();
        const double bytes = bytes_for_training(params, activations, kReferenceBatch);
        if (bytes > double(memory_limit()))
            throw std::invalid_argument(describe(l) + " " + l.out.str() + " brings the model to " + with_commas(params) +
                                        " parameters, which would need about " + format_bytes(bytes) +
                                        " for training; the limit is " + format_bytes(double(memory_limit())));
        shape = l.out;
        layers_.push_back(l);
    }
    activations_per_sample_ = activations;
    params_.assign(params, 0.0f);
    grads_.assign(params, 0.0f);
}

double Model::training_bytes(int64_t batch) const {
    return bytes_for_training(param_count(), activations_per_sample_, batch);
}

bool Model::ends_with_softmax() const { return layers_.back().spec.activation == Activation::Softmax; }

bool Model::has_pre_activation(size_t i) const {
    const auto& s = layers_[i].spec;
    return s.activation == Activation::Softmax && (s.kind == LayerKind::Conv2D || s.kind == LayerKind::Dense);
}

void Model::init_weights(Rng& rng) {
    for (const auto& l : layers_) {
        if (l.kernel_count == 0) continue;
        int64_t fan_in, fan_out;
        if (l.spec.kind == LayerKind::Conv2D) {
            int64_t receptive = int64_t(l.spec.kernel_h) * l.spec.kernel_w;
            fan_in = receptive * l.in.c, fan_out = receptive * l.spec.filters;
        } else {
            fan_in = l.in.c, fan_out = l.spec.units;
        }
        float limit = std::sqrt(6.0f / float(fan_in + fan_out));
        for (int64_t i = 0; i < l.kernel_count; ++i) params_[l.kernel_offset + i] = rng.uniform(-limit, limit);
        std::fill_n(params_.begin() + l.bias_offset, l.bias_count, 0.0f);
    }
}

void Model::reserve(int64_t batch) {
    if (batch <= capacity_) return;
    capacity_ = batch;
    size_t n = layers_.size();
    out_.resize(n), pre_.resize(n), mask_.resize(n), argmax_.resize(n);
    int64_t largest = spec_.input.size(), scratch = 0;
    for (size_t i = 0; i < n; ++i) {
        const Layer& l = layers_[i];
        int64_t size = batch * l.out.size();
        largest = std::max(largest, l.out.size());
        out_[i].resize(size);
        if (has_pre_activation(i)) pre_[i].resize(size);
        if (l.spec.kind == LayerKind::Dropout) mask_[i].resize(size);
        if (l.spec.kind == LayerKind::MaxPool2D) argmax_[i].resize(size);
        if (l.spec.kind == LayerKind::Conv2D)
            scratch = std::max(scratch, std::min(batch, conv_chunk_images(l.geometry)) * l.geometry.out_pixels() *
                                            l.geometry.patch_size());
    }
    largest_activation_ = largest;
    col_.resize(scratch);  // the gradient buffers are sized by the first backward: inference never needs them
}

const float* Model::forward(const float* x, int64_t batch, bool training, Rng* rng) {
    reserve(batch);
    input_ = x, batch_ = batch;
    for (size_t i = 0; i < layers_.size(); ++i) {
        const Layer& l = layers_[i];
        const LayerSpec& s = l.spec;
        const float* in = i == 0 ? x : out_[i - 1].data();
        float* out = out_[i].data();
        const float* kernel = params_.data() + l.kernel_offset;
        const float* bias = l.bias_count ? params_.data() + l.bias_offset : nullptr;
        // A fused softmax keeps its input (the logits) apart for the loss.
        float* z = has_pre_activation(i) ? pre_[i].data() : out;
        Activation act = has_pre_activation(i) ? Activation::Linear : s.activation;
        const int64_t n = batch * l.out.size();
        switch (s.kind) {
            case LayerKind::Conv2D:
                conv2d_forward(z, in, kernel, bias, batch, l.geometry, s.filters, act, col_.data());
                break;
            case LayerKind::Dense: dense_forward(z, in, kernel, bias, batch, l.in.c, s.units, act); break;
            case LayerKind::MaxPool2D: maxpool2d_forward(out, argmax_[i].data(), in, batch, l.geometry); break;
            case LayerKind::Dropout:
                if (training && s.rate > 0.0f) dropout_forward(out, mask_[i].data(), in, n, s.rate, *rng);
                else std::memcpy(out, in, sizeof(float) * n);
                break;
            case LayerKind::Flatten: std::memcpy(out, in, sizeof(float) * n); break;
            case LayerKind::Activation:
                bias_activation_forward(out, in, nullptr, batch * l.out.size() / l.out.c, l.out.c, s.activation);
                break;
        }
        if (has_pre_activation(i)) bias_activation_forward(out, z, nullptr, n / l.out.c, l.out.c, s.activation);
    }
    return out_.back().data();
}

const float* Model::layer_output(size_t i, int64_t b) const { return out_.at(i).data() + b * layers_.at(i).out.size(); }

const float* Model::logits() const {
    size_t last = layers_.size() - 1;
    if (has_pre_activation(last)) return pre_[last].data();
    return last == 0 ? input_ : out_[last - 1].data();
}

void Model::zero_grads() { std::fill(grads_.begin(), grads_.end(), 0.0f); }

void Model::backward(const float* dlogits, int64_t batch) {
    if (batch != batch_) throw std::logic_error("backward must follow a forward of the same batch");
    const size_t last = layers_.size() - 1;
    dcol_.resize(col_.size());
    grad_a_.resize(capacity_ * largest_activation_), grad_b_.resize(capacity_ * largest_activation_);
    float* dy = grad_a_.data();
    float* dx = grad_b_.data();
    std::memcpy(dy, dlogits, sizeof(float) * batch * layers_[last].out.size());
    for (size_t i = layers_.size(); i-- > 0;) {
        const Layer& l = layers_[i];
        const LayerSpec& s = l.spec;
        const float* in = i == 0 ? input_ : out_[i - 1].data();
        const float* out = out_[i].data();
        const float* kernel = params_.data() + l.kernel_offset;
        float* dkernel = grads_.data() + l.kernel_offset;
        float* dbias = l.bias_count ? grads_.data() + l.bias_offset : nullptr;
        float* dinput = i == 0 ? nullptr : dx;
        const int64_t n = batch * l.out.size();
        // The final softmax is already folded into dlogits.
        bool through_activation = !(i == last && s.activation == Activation::Softmax);
        switch (s.kind) {
            case LayerKind::Conv2D:
                if (through_activation) activation_backward_rows(dy, out, n / l.out.c, l.out.c, s.activation);
                conv2d_backward(dinput, dkernel, dbias, dy, in, kernel, batch, l.geometry, s.filters, col_.data(),
                                dcol_.data());
                break;
            case LayerKind::Dense:
                if (through_activation) activation_backward_rows(dy, out, batch, s.units, s.activation);
                dense_backward(dinput, dkernel, dbias, dy, in, kernel, batch, l.in.c, s.units);
                break;
            case LayerKind::MaxPool2D:
                if (dinput) maxpool2d_backward(dinput, dy, argmax_[i].data(), batch, l.geometry);
                break;
            case LayerKind::Dropout:
                if (s.rate > 0.0f) dropout_backward(dy, dy, mask_[i].data(), n);
                continue;  // gradient stays in dy
            case LayerKind::Flatten: continue;
            case LayerKind::Activation:
                if (through_activation) activation_backward_rows(dy, out, n / l.out.c, l.out.c, s.activation);
                continue;
        }
        std::swap(dx, dy);
    }
}

std::string Model::summary() const {
    std::ostringstream os;
    const std::string rule(69, '_'), double_rule(69, '=');
    auto row = [&](const std::string& a, const std::string& b, const std::string& c) {
        std::string line = " " + a;
        line.resize(std::max<size_t>(line.size() + 1, 33), ' ');
        line += b;
        line.resize(std::max<size_t>(line.size() + 1, 59), ' ');
        os << line << c << "\n";
    };
    os << "Model: \"" << spec_.name << "\"\n" << rule << "\n";
    row("Layer (type)", "Output Shape", "Param #");
    os << double_rule << "\n";
    for (size_t i = 0; i < layers_.size(); ++i) {
        const Layer& l = layers_[i];
        row(l.spec.name + " (" + class_name(l.spec.kind) + ")", l.out.str(), with_commas(l.kernel_count + l.bias_count));
        if (i + 1 < layers_.size()) os << "\n";
    }
    os << double_rule << "\n";
    os << "Total params: " << with_commas(param_count()) << "\n"
       << "Trainable params: " << with_commas(param_count()) << "\n"
       << "Non-trainable params: 0\n"
       << rule << "\n";
    return os.str();
}

}  // namespace cnn
