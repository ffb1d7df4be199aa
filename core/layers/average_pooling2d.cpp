// AveragePooling2D: x [B, H, W, C] → y [B, OH, OW, C], the mean of each window; with 'same'
// padding, the mean of the cells inside the image only (TensorFlow's rule).
#include <algorithm>

#include "core/kernels/pooling.h"
#include "core/parallel.h"
#include "registry.h"
#include "window.h"

namespace cnn {
namespace {

void avgpool2d_forward(float* y, const float* x, int64_t batch, const ConvGeometry& g) {
    const int64_t in_size = g.in_pixels() * g.channels, out_size = g.out_pixels() * g.channels;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b) avgpool_nhwc(x + b * in_size, g, y + b * out_size);
    });
}

// dx [B, H, W, C] = dy shared evenly over each window's cells.
void avgpool2d_backward(float* dx, const float* dy, int64_t batch, const ConvGeometry& g) {
    const int64_t in_size = g.in_pixels() * g.channels, out_size = g.out_pixels() * g.channels;
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b) {
            std::fill(dx + b * in_size, dx + (b + 1) * in_size, 0.0f);
            avgpool_nhwc_backward_accumulate(dy + b * out_size, g, dx + b * in_size);
        }
    });
}

class AveragePooling2D final : public Layer {
public:
    const char* class_name() const override { return "AveragePooling2D"; }

    void fields(ConfigFields& f) override { window_.fields(f); }

    Shape connect(const Shape& in) override {
        g_ = window_.connect(in);
        return {g_.out_h, g_.out_w, in.c, 3};
    }

    void forward(const Pass& p, const float* x, float* y) override { avgpool2d_forward(y, x, p.batch, g_); }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) avgpool2d_backward(dx, dy, p.batch, g_);
    }

private:
    PoolWindow window_;
    ConvGeometry g_;
};

// GlobalAveragePooling2D: x [B, H, W, C] → y [B, C] (or [B, 1, 1, C] with keepdims), the mean
// of each channel: an average pooling whose window is the whole image.
class GlobalAveragePooling2D final : public Layer {
public:
    const char* class_name() const override { return "GlobalAveragePooling2D"; }

    void fields(ConfigFields& f) override {
        f.data_format("data_format");
        f.boolean("keepdims", keepdims_);
    }

    Shape connect(const Shape& in) override {
        g_ = window_geometry(in, in.h, in.w, 1, 1, Padding::Valid, "data_format");
        return {1, 1, in.c, keepdims_ ? 3 : 1};
    }

    void forward(const Pass& p, const float* x, float* y) override { avgpool2d_forward(y, x, p.batch, g_); }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) avgpool2d_backward(dx, dy, p.batch, g_);
    }

private:
    bool keepdims_ = false;
    ConvGeometry g_;
};

}  // namespace

LayerPtr make_average_pooling2d() { return std::make_unique<AveragePooling2D>(); }
LayerPtr make_global_average_pooling2d() { return std::make_unique<GlobalAveragePooling2D>(); }

}  // namespace cnn
