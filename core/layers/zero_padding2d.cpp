// ZeroPadding2D: x [B, H, W, C] → y [B, top + H + bottom, left + W + right, C], x framed by zeros.
#include <algorithm>
#include <cstring>

#include "core/limits.h"
#include "core/refuse.h"
#include "registry.h"

namespace cnn {
namespace {

class ZeroPadding2D final : public Layer {
public:
    const char* class_name() const override { return "ZeroPadding2D"; }

    void fields(ConfigFields& f) override {
        f.padding_sizes("padding", pad_, 0, kMaxWindow);
        f.data_format("data_format");
    }

    Shape connect(const Shape& in) override {
        if (in.rank != 3) refuse("needs a 3-D input (height, width, channels) but gets " + in.str());
        return {in.h + pad_[0] + pad_[1], in.w + pad_[2] + pad_[3], in.c, 3};
    }

    // Copies each input row into its place in the output: y ← x (forward), dx ← dy's interior (backward).
    void forward(const Pass& p, const float* x, float* y) override {
        std::fill(y, y + p.batch * out.size(), 0.0f);
        for_rows(p.batch, [&](const int64_t in_row, const int64_t out_row, int64_t n) {
            std::memcpy(y + out_row, x + in_row, sizeof(float) * n);
        });
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (!dx) return;
        for_rows(p.batch, [&](const int64_t in_row, const int64_t out_row, int64_t n) {
            std::memcpy(dx + in_row, dy + out_row, sizeof(float) * n);
        });
    }

private:
    // visit(input offset, output offset, floats) for each row of each image.
    template <class Visit>
    void for_rows(int64_t batch, Visit&& visit) const {
        const int64_t row = int64_t(in.w) * in.c;
        for (int64_t b = 0; b < batch; ++b)
            for (int h = 0; h < in.h; ++h)
                visit(b * in.size() + h * row, b * out.size() + ((h + pad_[0]) * int64_t(out.w) + pad_[2]) * in.c, row);
    }

    int pad_[4] = {1, 1, 1, 1};  // top, bottom, left, right
};

}  // namespace

LayerPtr make_zero_padding2d() { return std::make_unique<ZeroPadding2D>(); }

}  // namespace cnn
