// SeparableConv2D: x [B, H, W, C] → depthwise(x, depthwise_kernel [KH, KW, C, M]) = mid
// [B, OH, OW, C·M] → y [B, OH, OW, F] = act(mid · pointwise_kernel [1, 1, C·M, F] + bias [F]).
#include "core/drivers/gemm.h"
#include "core/limits.h"
#include "depthwise.h"
#include "registry.h"

namespace cnn {
namespace {

class SeparableConv2D final : public Layer {
public:
    const char* class_name() const override { return "SeparableConv2D"; }

    void fields(ConfigFields& f) override {
        f.integer("filters", filters_, 1, kMaxChannels, ConfigFields::Required);
        window_.fields(f);
        f.activation("activation", activation_.act);
        f.boolean("use_bias", use_bias_);
        f.initializer("depthwise_initializer", depthwise_initializer_);
        f.initializer("pointwise_initializer", pointwise_initializer_);
        f.initializer("bias_initializer", bias_initializer_);
        f.regularizer("depthwise_regularizer", depthwise_regularizer_);
        f.regularizer("pointwise_regularizer", pointwise_regularizer_);
        f.regularizer("bias_regularizer", bias_regularizer_);
    }
    OutputActivation* output_activation() override { return &activation_; }
    const char* width_field() const override { return "filters"; }

    Shape connect(const Shape& in) override {
        g_ = window_.connect(in);
        return {g_.out_h, g_.out_w, filters_, 3};
    }
    std::vector<WeightSpec> weights() const override {
        std::vector<WeightSpec> w = {
            {"depthwise_kernel", {window_.kernel_h, window_.kernel_w, in.c, window_.multiplier}, depthwise_initializer_,
             true, depthwise_regularizer_},
            {"pointwise_kernel", {1, 1, mid_channels(), filters_}, pointwise_initializer_, true, pointwise_regularizer_}};
        if (use_bias_) w.push_back({"bias", {filters_}, bias_initializer_, true, bias_regularizer_});
        return w;
    }

    void reserve(int64_t batch) override { mid_.resize(batch * g_.out_pixels() * mid_channels()); }
    int64_t scratch_floats(int64_t batch) const override { return batch * g_.out_pixels() * mid_channels(); }
    void forward(const Pass& p, const float* x, float* y) override {
        const int64_t rows = p.batch * g_.out_pixels(), K = mid_channels();
        depthwise_forward(mid_.data(), x, weight(p, kDepthwise), p.batch, g_, window_.multiplier);
        gemm_parallel(rows, filters_, K, row_major(mid_.data(), K), row_major(weight(p, kPointwise), filters_), y,
                      filters_, false);
        bias_activation_forward(y, y, use_bias_ ? weight(p, kBias) : nullptr, rows, filters_, activation_.fused());
        activation_.finish(y, rows, filters_);
    }
    void backward(const Pass& p, const float* x, const float* y, float* dy, float* dx) override {
        const int64_t rows = p.batch * g_.out_pixels(), K = mid_channels();
        activation_.backward(dy, dy, y, rows, filters_);  // dz = act'(y) ⊙ dy
        if (use_bias_) bias_backward_accumulate(weight_grad(p, kBias), dy, rows, filters_);
        // dpointwise [K, F] += midᵀ [K, rows] · dz [rows, F]; dmid [rows, K] = dz · pointwiseᵀ (in dcol)
        gemm_parallel(K, filters_, rows, row_major(mid_.data(), K).transposed(), row_major(dy, filters_),
                      weight_grad(p, kPointwise), filters_, true);
        gemm_parallel(rows, K, filters_, row_major(dy, filters_), row_major(weight(p, kPointwise), filters_).transposed(),
                      p.dcol, K, false);
        depthwise_backward(dx, weight_grad(p, kDepthwise), p.dcol, x, weight(p, kDepthwise), p.batch, g_, window_.multiplier);
    }

private:
    enum { kDepthwise, kPointwise, kBias };
    int mid_channels() const { return in.c * window_.multiplier; }

    int filters_ = 0;
    DepthwiseWindow window_;
    OutputActivation activation_;
    bool use_bias_ = true;
    Initializer depthwise_initializer_, pointwise_initializer_, bias_initializer_ = Initializer::zeros();
    Regularizer depthwise_regularizer_, pointwise_regularizer_, bias_regularizer_;
    ConvGeometry g_;
    std::vector<float> mid_;  // the depthwise output of the last forward
};

}  // namespace

LayerPtr make_separable_conv2d() { return std::make_unique<SeparableConv2D>(); }

}  // namespace cnn
