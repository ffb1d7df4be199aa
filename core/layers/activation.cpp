// Activation: y = act(x) element-wise (softmax along the last axis); Keras' Softmax layer reads
// as Activation('softmax').
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
        bias_activation_forward(y, x, nullptr, p.batch * out.size() / out.c, out.c, activation_.fused());
        activation_.finish(y, p.batch * out.size() / out.c, out.c);
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
