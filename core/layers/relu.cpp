// ReLU and LeakyReLU layers, Keras' general rectifier: y = max_value where x ≥ max_value, x where
// threshold ≤ x < max_value, negative_slope · (x − threshold) below. LeakyReLU(alpha) is the
// rectifier with negative_slope alpha (TF.js: x < 0 ? alpha · x : x).
#include <cmath>
#include <limits>

#include "core/refuse.h"
#include "registry.h"

namespace cnn {
namespace {

struct Rectifier {
    double max_value = std::numeric_limits<double>::infinity();  // Keras' None
    double negative_slope = 0, threshold = 0;

    // y [n] = the rectifier of x [n].
    void forward(float* y, const float* x, int64_t n) const {
        const float top = float(max_value), slope = float(negative_slope), from = float(threshold);
        for (int64_t i = 0; i < n; ++i)
            y[i] = x[i] >= top ? top : x[i] >= from ? x[i] : slope * (x[i] - from);
    }
    // dx [n] = dy ⊙ the rectifier's slope at x (0 above max_value, 1 between, negative_slope below).
    void backward(float* dx, const float* dy, const float* x, int64_t n) const {
        const float top = float(max_value), slope = float(negative_slope), from = float(threshold);
        for (int64_t i = 0; i < n; ++i) dx[i] = x[i] >= top ? 0.0f : x[i] >= from ? dy[i] : slope * dy[i];
    }
};

class RectifierLayer : public Layer {
public:
    Shape connect(const Shape& in) override { return in; }

    void forward(const Pass& p, const float* x, float* y) override { rectifier_.forward(y, x, p.batch * in.size()); }
    void backward(const Pass& p, const float* x, const float*, float* dy, float* dx) override {
        if (dx) rectifier_.backward(dx, dy, x, p.batch * in.size());
    }

protected:
    Rectifier rectifier_;
};

class ReLU final : public RectifierLayer {
public:
    const char* class_name() const override { return "ReLU"; }

    void fields(ConfigFields& f) override {
        f.number("max_value", rectifier_.max_value);
        f.number("negative_slope", rectifier_.negative_slope);
        f.number("threshold", rectifier_.threshold);
    }
    Shape connect(const Shape& in) override {
        if (!(rectifier_.max_value >= 0))
            refuse("max_value must be at least 0 (got " + format_number(rectifier_.max_value) + ")", "max_value");
        if (!(rectifier_.negative_slope >= 0))
            refuse("negative_slope must be at least 0 (got " + format_number(rectifier_.negative_slope) + ")",
                   "negative_slope");
        return RectifierLayer::connect(in);
    }
};

class LeakyReLU final : public RectifierLayer {
public:
    LeakyReLU() { rectifier_.negative_slope = 0.3; }
    const char* class_name() const override { return "LeakyReLU"; }

    // Keras 2 and TF.js call the slope alpha, Keras 3 negative_slope.
    void fields(ConfigFields& f) override {
        if (!f.number("alpha", rectifier_.negative_slope)) f.number("negative_slope", rectifier_.negative_slope);
    }
};

}  // namespace

LayerPtr make_relu() { return std::make_unique<ReLU>(); }
LayerPtr make_leaky_relu() { return std::make_unique<LeakyReLU>(); }

}  // namespace cnn
