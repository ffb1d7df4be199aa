// Flatten: x [B, H, W, C] → y [B, H·W·C], the same values in the same (NHWC) order.
#include <algorithm>
#include <climits>
#include <cstring>

#include "registry.h"

namespace cnn {
namespace {

class Flatten final : public Layer {
public:
    const char* class_name() const override { return "Flatten"; }

    void fields(ConfigFields& f) override { f.data_format("data_format"); }

    // A size past INT_MAX is refused by the memory limit (the input's own activations) anyway.
    Shape connect(const Shape& in) override {
        return {1, 1, static_cast<int>(std::min<int64_t>(in.size(), INT_MAX)), 1};
    }

    void forward(const Pass& p, const float* x, float* y) override {
        std::memcpy(y, x, sizeof(float) * p.batch * out.size());
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (dx) std::memcpy(dx, dy, sizeof(float) * p.batch * out.size());
    }
};

}  // namespace

LayerPtr make_flatten() { return std::make_unique<Flatten>(); }

}  // namespace cnn
