// SpatialDropout2D: Dropout of whole feature maps. In training y [B, H, W, C] = x · mask [B, C],
// the mask 0 (probability rate) or 1 / (1 − rate) per image and channel, the same at every pixel;
// at inference y = x.
#include <cstring>

#include "core/kernels/dropout.h"
#include "core/limits.h"
#include "core/parallel.h"
#include "core/refuse.h"
#include "registry.h"

namespace cnn {
namespace {

// y [B, P, C] = x ⊙ mask [B, C] broadcast over the P pixels (dx = dy ⊙ mask is the same product).
// Images are split over the pool.
void channel_mask_apply(float* y, const float* x, const float* mask, int64_t batch, int64_t pixels, int64_t C) {
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
        for (int64_t b = b0; b < b1; ++b)
            for (int64_t q = 0; q < pixels; ++q)
                for (int64_t c = 0; c < C; ++c) {
                    const int64_t i = (b * pixels + q) * C + c;
                    y[i] = x[i] * mask[b * C + c];
                }
    });
}

class SpatialDropout2D final : public Layer {
public:
    const char* class_name() const override { return "SpatialDropout2D"; }

    void fields(ConfigFields& f) override {
        f.number("rate", rate_, ConfigFields::Required);
        f.data_format("data_format");
    }

    Shape connect(const Shape& in) override {
        if (in.rank != 3) refuse("needs a 3-D input (height, width, channels) but gets " + in.str());
        if (!(rate_ >= 0 && rate_ < kMaxDropoutRate))
            refuse("rate is the fraction dropped and must be in [0, 1) (got " + format_number(rate_) + ")", "rate");
        return in;
    }

    void reserve(int64_t batch) override { mask_.resize(batch * in.c); }
    void forward(const Pass& p, const float* x, float* y) override {
        masked_ = p.training && rate_ > 0;
        if (!masked_) {
            std::memcpy(y, x, sizeof(float) * p.batch * in.size());
            return;
        }
        dropout_mask(mask_.data(), 0, p.batch * in.c, rate_, p.rng->next_u64());
        channel_mask_apply(y, x, mask_.data(), p.batch, in.size() / in.c, in.c);
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (!dx) return;
        if (masked_) channel_mask_apply(dx, dy, mask_.data(), p.batch, in.size() / in.c, in.c);
        else std::memcpy(dx, dy, sizeof(float) * p.batch * in.size());
    }

private:
    double rate_ = 0;
    bool masked_ = false;  // whether the last forward dropped maps (training)
    std::vector<float> mask_;
};

}  // namespace

LayerPtr make_spatial_dropout2d() { return std::make_unique<SpatialDropout2D>(); }

}  // namespace cnn
