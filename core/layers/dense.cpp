// Dense: x [B, K] → y [B, N] = act(x · kernel [K, N] + bias [N]).
#include "core/drivers/dense.h"
#include "core/limits.h"
#include "core/refuse.h"
#include "registry.h"

namespace cnn {
namespace {

class Dense final : public Layer {
public:
    const char* class_name() const override { return "Dense"; }

    void fields(ConfigFields& f) override {
        f.integer("units", units_, 1, kMaxUnits, ConfigFields::Required);
        f.activation("activation", activation_.act);
        f.boolean("use_bias", use_bias_);
        f.initializer("kernel_initializer", kernel_initializer_);
        f.initializer("bias_initializer", bias_initializer_);
        f.regularizer("kernel_regularizer", kernel_regularizer_);
        f.regularizer("bias_regularizer", bias_regularizer_);
    }
    OutputActivation* output_activation() override { return &activation_; }
    const char* width_field() const override { return "units"; }

    Shape connect(const Shape& in) override {
        if (in.rank != 1) refuse("needs a flat input but gets " + in.str() + "; add a Flatten layer before it");
        return {1, 1, units_, 1};
    }
    std::vector<WeightSpec> weights() const override {
        std::vector<WeightSpec> w = {{"kernel", {in.c, units_}, kernel_initializer_, true, kernel_regularizer_}};
        if (use_bias_) w.push_back({"bias", {units_}, bias_initializer_, true, bias_regularizer_});
        return w;
    }

    void forward(const Pass& p, const float* x, float* y) override {
        dense_forward(y, x, weight(p, kKernel), use_bias_ ? weight(p, kBias) : nullptr, p.batch, in.c, units_,
                      activation_.fused());
        activation_.finish(y, p.batch, units_);
    }
    void backward(const Pass& p, const float* x, const float* y, float* dy, float* dx) override {
        activation_.backward(dy, dy, y, p.batch, units_);  // dz = act'(y) ⊙ dy, the forward in reverse
        dense_backward(dx, weight_grad(p, kKernel), use_bias_ ? weight_grad(p, kBias) : nullptr, dy, x,
                       weight(p, kKernel), p.batch, in.c, units_);
    }

private:
    enum { kKernel, kBias };
    int units_ = 0;
    OutputActivation activation_;
    bool use_bias_ = true;
    Initializer kernel_initializer_, bias_initializer_ = Initializer::zeros();
    Regularizer kernel_regularizer_, bias_regularizer_;
};

}  // namespace

LayerPtr make_dense() { return std::make_unique<Dense>(); }

}  // namespace cnn
