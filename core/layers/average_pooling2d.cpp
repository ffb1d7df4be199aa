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

// The layer over either window: AveragePooling2D (PoolWindow) or GlobalAveragePooling2D
// (WholeImageWindow, an average pooling whose window is the whole image: x [B, H, W, C] → y [B, C]).
template <class Window>
class AveragePooling final : public Layer {
public:
    explicit AveragePooling(const char* class_name) : class_name_(class_name) {}
    const char* class_name() const override { return class_name_; }

    void fields(ConfigFields& f) override { window_.fields(f); }

    Shape connect(const Shape& in) override {
        g_ = window_.connect(in);
        return window_.output(g_);
    }

    void forward(const Pass& p, const float* x, float* y) override { avgpool2d_forward(y, x, p.batch, g_); }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) avgpool2d_backward(dx, dy, p.batch, g_);
    }

private:
    const char* class_name_;
    Window window_;
    ConvGeometry g_;
};

}  // namespace

LayerPtr make_average_pooling2d() { return std::make_unique<AveragePooling<PoolWindow>>("AveragePooling2D"); }
LayerPtr make_global_average_pooling2d() { return std::make_unique<AveragePooling<WholeImageWindow>>("GlobalAveragePooling2D"); }

}  // namespace cnn
