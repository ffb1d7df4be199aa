// Activation: y = act(x) element-wise (softmax along the last axis); Keras' Softmax layer reads
// as Activation('softmax').
#include "core/parallel.h"
#include "registry.h"

namespace cnn {
namespace {

class ActivationLayer final : public Layer {
public:
    explicit ActivationLayer(Activation act) { activation_.act = act; }

    const char* class_name() const override { return "Activation"; }

    void fields(ConfigFields& f) override { f.activation("activation", activation_.act); }
    OutputActivation* output_activation() override { return &activation_; }

    Shape connect(const Shape& in) override { return in; }

    void forward(const Pass& p, const float* x, float* y) override {
        const int64_t rows = p.batch * out.size() / out.c, cols = out.c;
        // Rows are independent, so splitting them over the pool does not change the result.
        parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
            bias_activation_forward(y + r0 * cols, x + r0 * cols, nullptr, r1 - r0, cols, activation_.fused());
        });
        activation_.finish(y, rows, cols);
    }
    void backward(const Pass& p, const float*, const float* y, float* dy, float* dx) override {
        if (dx) activation_.backward(dx, dy, y, p.batch * out.size() / out.c, out.c);
    }

private:
    OutputActivation activation_;
};

}  // namespace

LayerPtr make_activation() { return std::make_unique<ActivationLayer>(Activation::Linear); }
LayerPtr make_softmax() { return std::make_unique<ActivationLayer>(Activation::Softmax); }

}  // namespace cnn
