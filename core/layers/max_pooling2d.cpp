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

// The layer over either window: MaxPooling2D (PoolWindow) or GlobalMaxPooling2D (WholeImageWindow,
// a max pooling whose window is the whole image: x [B, H, W, C] → y [B, C]).
template <class Window>
class MaxPooling final : public Layer {
public:
    explicit MaxPooling(const char* class_name) : class_name_(class_name) {}
    const char* class_name() const override { return class_name_; }

    void fields(ConfigFields& f) override { window_.fields(f); }

    Shape connect(const Shape& in) override {
        g_ = window_.connect(in);
        return window_.output(g_);
    }

    void reserve(int64_t batch) override { argmax_.resize(batch * out.size()); }
    void forward(const Pass& p, const float* x, float* y) override {
        maxpool2d_forward(y, argmax_.data(), x, p.batch, g_);
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) maxpool2d_backward(dx, dy, argmax_.data(), p.batch, g_);
    }

private:
    const char* class_name_;
    Window window_;
    ConvGeometry g_;
    std::vector<int32_t> argmax_;
};

}  // namespace

LayerPtr make_max_pooling2d() { return std::make_unique<MaxPooling<PoolWindow>>("MaxPooling2D"); }
LayerPtr make_global_max_pooling2d() { return std::make_unique<MaxPooling<WholeImageWindow>>("GlobalMaxPooling2D"); }

}  // namespace cnn
