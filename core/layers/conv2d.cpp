// Conv2D: x [B, H, W, C] → y [B, OH, OW, F] = act(conv(x, kernel [KH, KW, C, F]) + bias [F]),
// by the algorithm core/drivers/conv2d.h picks for the shapes (Winograd for 3×3 stride 1); with a
// dilation_rate d the window's taps are d pixels apart.
#include "core/drivers/conv2d.h"
#include "core/limits.h"
#include "core/refuse.h"
#include "registry.h"
#include "window.h"

namespace cnn {
namespace {

class Conv2D final : public Layer {
public:
    const char* class_name() const override { return "Conv2D"; }

    void fields(ConfigFields& f) override {
        f.integer("filters", filters_, 1, kMaxChannels, ConfigFields::Required);
        f.pair("kernel_size", kernel_h_, kernel_w_, 1, kMaxWindow, ConfigFields::Required);
        f.pair("strides", stride_h_, stride_w_, 1, kMaxWindow);
        f.padding("padding", padding_);
        f.data_format("data_format");
        f.pair("dilation_rate", dilation_h_, dilation_w_, 1, kMaxWindow);
        f.activation("activation", activation_.act);
        f.boolean("use_bias", use_bias_);
        f.initializer("kernel_initializer", kernel_initializer_);
        f.initializer("bias_initializer", bias_initializer_);
        f.regularizer("kernel_regularizer", kernel_regularizer_);
        f.regularizer("bias_regularizer", bias_regularizer_);
    }
    OutputActivation* output_activation() override { return &activation_; }
    const char* width_field() const override { return "filters"; }

    Shape connect(const Shape& in) override {
        // As Keras and TF.js: a dilated window slides one pixel at a time.
        if ((dilation_h_ != 1 || dilation_w_ != 1) && (stride_h_ != 1 || stride_w_ != 1))
            refuse("strides other than 1 cannot be combined with a dilation_rate other than 1", "dilation_rate");
        g_ = window_geometry(in, kernel_h_, kernel_w_, stride_h_, stride_w_, padding_, "kernel_size", dilation_h_,
                             dilation_w_);
        return {g_.out_h, g_.out_w, filters_, 3};
    }
    std::vector<WeightSpec> weights() const override {
        std::vector<WeightSpec> w = {{"kernel", {kernel_h_, kernel_w_, in.c, filters_}, kernel_initializer_, true, kernel_regularizer_}};
        if (use_bias_) w.push_back({"bias", {filters_}, bias_initializer_, true, bias_regularizer_});
        return w;
    }

    int64_t scratch_floats(int64_t batch) const override {
        return conv2d_scratch_floats(g_, filters_, batch);
    }
    void forward(const Pass& p, const float* x, float* y) override {
        conv2d_forward(y, x, weight(p, kKernel), use_bias_ ? weight(p, kBias) : nullptr, p.batch, g_, filters_,
                       activation_.fused(), p.col);
        activation_.finish(y, p.batch * g_.out_pixels(), filters_);
    }
    void backward(const Pass& p, const float* x, const float* y, float* dy, float* dx) override {
        activation_.backward(dy, dy, y, p.batch * g_.out_pixels(), filters_);  // dz = act'(y) ⊙ dy, the forward in reverse
        conv2d_backward(dx, weight_grad(p, kKernel), use_bias_ ? weight_grad(p, kBias) : nullptr, dy, x,
                        weight(p, kKernel), p.batch, g_, filters_, p.col, p.dcol);
    }

private:
    enum { kKernel, kBias };
    int filters_ = 0;
    int kernel_h_ = 0, kernel_w_ = 0;
    int stride_h_ = 1, stride_w_ = 1;
    int dilation_h_ = 1, dilation_w_ = 1;
    Padding padding_ = Padding::Valid;
    OutputActivation activation_;
    bool use_bias_ = true;
    Initializer kernel_initializer_, bias_initializer_ = Initializer::zeros();
    Regularizer kernel_regularizer_, bias_regularizer_;
    ConvGeometry g_;
};

}  // namespace

LayerPtr make_conv2d() { return std::make_unique<Conv2D>(); }

}  // namespace cnn
