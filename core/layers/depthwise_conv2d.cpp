// DepthwiseConv2D: x [B, H, W, C] → y [B, OH, OW, C·M] = act(depthwise(x, depthwise_kernel
// [KH, KW, C, M]) + bias [C·M]), M the depth_multiplier.
#include "depthwise.h"
#include "registry.h"

namespace cnn {
namespace {

class DepthwiseConv2D final : public Layer {
public:
    const char* class_name() const override { return "DepthwiseConv2D"; }

    void fields(ConfigFields& f) override {
        window_.fields(f);
        f.activation("activation", activation_.act);
        f.boolean("use_bias", use_bias_);
        f.initializer("depthwise_initializer", depthwise_initializer_);
        f.initializer("bias_initializer", bias_initializer_);
        f.regularizer("depthwise_regularizer", depthwise_regularizer_);
        f.regularizer("bias_regularizer", bias_regularizer_);
    }
    OutputActivation* output_activation() override { return &activation_; }
    const char* width_field() const override { return "depth_multiplier"; }

    Shape connect(const Shape& in) override {
        g_ = window_.connect(in);
        return {g_.out_h, g_.out_w, in.c * window_.multiplier, 3};
    }
    std::vector<WeightSpec> weights() const override {
        std::vector<WeightSpec> w = {{"depthwise_kernel", {window_.kernel_h, window_.kernel_w, in.c, window_.multiplier},
                                      depthwise_initializer_, true, depthwise_regularizer_}};
        if (use_bias_) w.push_back({"bias", {out.c}, bias_initializer_, true, bias_regularizer_});
        return w;
    }

    void forward(const Pass& p, const float* x, float* y) override {
        const int64_t rows = p.batch * g_.out_pixels();
        depthwise_forward(y, x, weight(p, kKernel), p.batch, g_, window_.multiplier);
        bias_activation_forward(y, y, use_bias_ ? weight(p, kBias) : nullptr, rows, out.c, activation_.fused());
        activation_.finish(y, rows, out.c);
    }
    void backward(const Pass& p, const float* x, const float* y, float* dy, float* dx) override {
        const int64_t rows = p.batch * g_.out_pixels();
        activation_.backward(dy, dy, y, rows, out.c);  // dz = act'(y) ⊙ dy
        if (use_bias_) bias_backward_accumulate(weight_grad(p, kBias), dy, rows, out.c);
        depthwise_backward(dx, weight_grad(p, kKernel), dy, x, weight(p, kKernel), p.batch, g_, window_.multiplier);
    }

private:
    enum { kKernel, kBias };
    DepthwiseWindow window_;
    OutputActivation activation_;
    bool use_bias_ = true;
    Initializer depthwise_initializer_, bias_initializer_ = Initializer::zeros();
    Regularizer depthwise_regularizer_, bias_regularizer_;
    ConvGeometry g_;
};

}  // namespace

LayerPtr make_depthwise_conv2d() { return std::make_unique<DepthwiseConv2D>(); }

}  // namespace cnn
