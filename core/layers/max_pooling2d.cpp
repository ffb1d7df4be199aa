// MaxPooling2D: x [B, H, W, C] → y [B, OH, OW, C], the largest value of each window; padding cells
// never win (TensorFlow's 'same' pooling).
#include <algorithm>

#include "core/kernels/pooling.h"
#include "core/parallel.h"
#include "registry.h"
#include "window.h"

namespace cnn {
namespace {

// argmax [B, OH, OW, C] records each window's winner for the backward.
void maxpool2d_forward(float* y, int32_t* argmax, const float* x, int64_t batch, const ConvGeometry& g) {
    const int64_t in_size = g.in_pixels() * g.channels, out_size = g.out_pixels() * g.channels;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b) maxpool_nhwc(x + b * in_size, g, y + b * out_size, argmax + b * out_size);
    });
}

// dx [B, H, W, C] = dy routed to the winners.
void maxpool2d_backward(float* dx, const float* dy, const int32_t* argmax, int64_t batch, const ConvGeometry& g) {
    const int64_t in_size = g.in_pixels() * g.channels, out_size = g.out_pixels() * g.channels;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b) {
            std::fill(dx + b * in_size, dx + (b + 1) * in_size, 0.0f);
            maxpool_nhwc_backward_accumulate(dy + b * out_size, argmax + b * out_size, g, dx + b * in_size);
        }
    });
}

class MaxPooling2D final : public Layer {
public:
    const char* class_name() const override { return "MaxPooling2D"; }

    void fields(ConfigFields& f) override { window_.fields(f); }

    Shape connect(const Shape& in) override {
        g_ = window_.connect(in);
        return {g_.out_h, g_.out_w, in.c, 3};
    }

    void reserve(int64_t batch) override { argmax_.resize(batch * out.size()); }
    void forward(const Pass& p, const float* x, float* y) override {
        maxpool2d_forward(y, argmax_.data(), x, p.batch, g_);
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) maxpool2d_backward(dx, dy, argmax_.data(), p.batch, g_);
    }

private:
    PoolWindow window_;
    ConvGeometry g_;
    std::vector<int32_t> argmax_;
};

// GlobalMaxPooling2D: x [B, H, W, C] → y [B, C] (or [B, 1, 1, C] with keepdims), the largest value
// of each channel: a max pooling whose window is the whole image.
class GlobalMaxPooling2D final : public Layer {
public:
    const char* class_name() const override { return "GlobalMaxPooling2D"; }

    void fields(ConfigFields& f) override {
        f.data_format("data_format");
        f.boolean("keepdims", keepdims_);
    }

    Shape connect(const Shape& in) override {
        g_ = window_geometry(in, in.h, in.w, 1, 1, Padding::Valid, "data_format");
        return {1, 1, in.c, keepdims_ ? 3 : 1};
    }

    void reserve(int64_t batch) override { argmax_.resize(batch * out.size()); }
    void forward(const Pass& p, const float* x, float* y) override {
        maxpool2d_forward(y, argmax_.data(), x, p.batch, g_);
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) maxpool2d_backward(dx, dy, argmax_.data(), p.batch, g_);
    }

private:
    bool keepdims_ = false;
    ConvGeometry g_;
    std::vector<int32_t> argmax_;
};

}  // namespace

LayerPtr make_max_pooling2d() { return std::make_unique<MaxPooling2D>(); }
LayerPtr make_global_max_pooling2d() { return std::make_unique<GlobalMaxPooling2D>(); }

}  // namespace cnn
