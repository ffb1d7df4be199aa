// Layer forward values checked by hand, a naive convolution as reference, and every layer's
// backward pass against central finite differences.
#include <doctest/doctest.h>

#include <cmath>

#include "core/loss.h"
#include "core/model.h"
#include "core/parallel.h"
#include "helpers.h"

using namespace cnn;

namespace {

using test::activation;
using test::conv;
using test::dense;
using test::dropout;
using test::flatten;
using test::model_of;
using test::pool;

// Direct convolution, the obvious way: the reference the Conv2D layer is checked against.
std::vector<float> conv2d_reference(const std::vector<float>& x, const ConvGeometry& g, int F, const float* kernel,
                                    const float* bias) {
    std::vector<float> y(g.out_pixels() * F);
    for (int oh = 0; oh < g.out_h; ++oh)
        for (int ow = 0; ow < g.out_w; ++ow)
            for (int f = 0; f < F; ++f) {
                double sum = bias ? bias[f] : 0.0;
                for (int i = 0; i < g.kernel_h; ++i)
                    for (int j = 0; j < g.kernel_w; ++j)
                        for (int c = 0; c < g.channels; ++c) {
                            int ih = oh * g.stride_h - g.pad_top + i, iw = ow * g.stride_w - g.pad_left + j;
                            if (ih < 0 || iw < 0 || ih >= g.in_h || iw >= g.in_w) continue;
                            sum += double(x[(ih * g.in_w + iw) * g.channels + c]) *
                                   kernel[((i * g.kernel_w + j) * g.channels + c) * F + f];
                        }
                y[(oh * g.out_w + ow) * F + f] = float(sum);
            }
    return y;
}

// Σ R·output, or the mean cross-entropy for a softmax-ending model; dropout masks are drawn
// from a generator reseeded each time, so every evaluation sees the same mask.
double objective(Model& m, const std::vector<float>& x, const std::vector<float>& r, const std::vector<uint8_t>& labels,
                 int batch, std::vector<float>* dlogits) {
    Rng dropout_rng(99);
    const float* y = m.forward(x.data(), batch, true, &dropout_rng);
    const int64_t classes = m.output_shape().size();
    if (m.ends_with_softmax()) {
        std::vector<float> probs(batch * classes), d(batch * classes);
        double loss = softmax_cross_entropy(probs.data(), d.data(), m.logits(), labels.data(), batch, classes, nullptr);
        if (dlogits) *dlogits = d;
        return loss / batch;
    }
    double sum = 0;
    for (int64_t i = 0; i < batch * classes; ++i) sum += double(r[i]) * y[i];
    if (dlogits) *dlogits = r;
    return sum;
}

// Compares backward() with central differences on random parameters of every layer.
void check_gradients(ModelSpec spec, int batch, int per_layer = 6, float h = 1e-2f) {
    Model m(std::move(spec));
    Rng rng(42);
    m.init_weights(rng);
    for (const ModelWeight& w : m.weights())  // non-zero biases, so their gradients are exercised too
        if (w.spec.initializer == Initializer::Zeros)
            for (int64_t i = 0; i < w.spec.count(); ++i) m.data(w)[i] = rng.uniform(-0.3f, 0.3f);
    auto x = test::random_vector(batch * m.input_shape().size(), rng, 0.0f, 1.0f);
    auto r = test::random_vector(batch * m.output_shape().size(), rng);
    std::vector<uint8_t> labels(batch);
    for (auto& y : labels) y = uint8_t(rng.below(uint32_t(m.output_shape().size())));

    std::vector<float> dlogits;
    const double at = objective(m, x, r, labels, batch, &dlogits);
    m.zero_grads();
    m.backward(dlogits.data(), batch);
    const std::vector<float> analytic = m.grads();

    for (const ModelWeight& w : m.weights()) {
        for (int64_t t = 0; t < per_layer; ++t) {
            const int64_t index = w.offset + rng.below(uint32_t(w.spec.count()));
            // Near a ReLU or max-pool kink only one side is smooth, and a kink may sit within
            // h: accept the central or either one-sided difference, at h or h/4.
            const double got = analytic[index];
            auto close = [&](double numeric) { return std::fabs(numeric - got) <= 3e-3 + 2e-2 * std::fabs(numeric); };
            const float saved = m.params()[index];
            bool ok = false;
            double up = 0, down = 0;
            for (float step : {h, h / 4}) {
                m.params()[index] = saved + step;
                up = objective(m, x, r, labels, batch, nullptr);
                m.params()[index] = saved - step;
                down = objective(m, x, r, labels, batch, nullptr);
                m.params()[index] = saved;
                ok = ok || close((up - down) / (2.0 * step)) || close((up - at) / step) || close((at - down) / step);
            }
            CHECK_MESSAGE(
                ok, w.name << "[" << index - w.offset << "]: numeric " << (up - down) / (h / 2) << " analytic " << got);
        }
    }
}

}  // namespace

TEST_CASE("'same' padding puts the odd pixel at the bottom/right (TensorFlow's split)") {
    // 4x4 input 1..16, 3x3 kernel of ones, stride 2: out 2x2, total padding 1 → top 0, bottom 1.
    CHECK(make_conv_geometry(4, 4, 1, 3, 3, 2, 2, Padding::Same).pad_top == 0);
    Model m(model_of({4, 4, 1}, {conv(1, 3, 2, "same")}));
    CHECK(m.layers()[0]->out == Shape{2, 2, 1, 3});
    std::fill(m.params().begin(), m.params().end(), 1.0f);
    m.params().back() = 0.0f;  // bias
    std::vector<float> x(16);
    for (int i = 0; i < 16; ++i) x[i] = float(i + 1);
    const float* y = m.forward(x.data(), 1, false);
    CHECK(y[0] == 54.0f);  // rows 0-2, cols 0-2: 1+2+3+5+6+7+9+10+11
    CHECK(y[1] == 45.0f);  // rows 0-2, cols 2-3 (+ padding): 3+4+7+8+11+12
    CHECK(y[2] == 72.0f);  // rows 2-3, cols 0-2: 9+10+11+13+14+15
    CHECK(y[3] == 54.0f);  // rows 2-3, cols 2-3: 11+12+15+16
}

TEST_CASE("output sizes follow Keras for valid and same, strides 1 and 2, odd and even inputs") {
    struct Case {
        int in, k, s;
        const char* padding;
        int out;
    };
    for (auto c :
         {Case{28, 3, 1, "same", 28}, Case{28, 3, 1, "valid", 26}, Case{7, 3, 2, "same", 4}, Case{7, 3, 2, "valid", 3},
          Case{6, 2, 2, "valid", 3}, Case{5, 2, 2, "same", 3}, Case{5, 2, 2, "valid", 2}}) {
        Model m(model_of({c.in, c.in, 2}, {conv(3, c.k, c.s, c.padding)}));
        CHECK(m.output_shape() == Shape{c.out, c.out, 3, 3});
    }
}

TEST_CASE("conv2d matches a direct convolution, whichever algorithm its shape gets (Winograd, im2col + GEMM)") {
    for (const char* padding : {"valid", "same"})
        for (int stride : {1, 2})
            for (int size : {5, 8})
                for (int k : {1, 2, 3}) {
                    Model m(model_of({size, size, 3}, {conv(7, k, stride, padding)}));
                    Rng rng(size * 31 + k);
                    m.init_weights(rng);
                    const float* kernel = m.data(m.weights()[0]);
                    float* bias = m.data(m.weights()[1]);
                    for (int f = 0; f < 7; ++f) bias[f] = rng.uniform(-1, 1);
                    auto x = test::random_vector(m.input_shape().size(), rng);
                    const float* y = m.forward(x.data(), 1, false);
                    const ConvGeometry g =
                        make_conv_geometry(size, size, 3, k, k, stride, stride,
                                           padding == std::string("same") ? Padding::Same : Padding::Valid);
                    auto want = conv2d_reference(x, g, 7, kernel, bias);
                    REQUIRE(int64_t(want.size()) == m.output_shape().size());
                    for (size_t i = 0; i < want.size(); ++i) REQUIRE(y[i] == doctest::Approx(want[i]).epsilon(1e-5));
                }
}

TEST_CASE("max pooling: padded cells never win, strides default to the window") {
    Model m(model_of({3, 3, 1}, {pool(2, 2, "same")}));
    CHECK(m.output_shape() == Shape{2, 2, 1, 3});
    std::vector<float> x = {-9, -8, -7, -6, -5, -4, -3, -2, -1};
    const float* y = m.forward(x.data(), 1, false);
    CHECK(y[0] == -5.0f);
    CHECK(y[1] == -4.0f);  // window cols 2-3: only -7, -4 are real
    CHECK(y[2] == -2.0f);
    CHECK(y[3] == -1.0f);  // the lone real cell beats the padding (0 would win if padding counted)
    Model unstrided(model_of({6, 6, 1}, {{{"class_name", "MaxPooling2D"}, {"config", {{"pool_size", 3}}}}}));
    CHECK(unstrided.output_shape() == Shape{2, 2, 1, 3});
}

TEST_CASE("dense, activations and dropout forward values") {
    Model m(model_of({1, 1, 2}, {flatten(), dense(2, "relu")}));
    m.params() = {1, -1, 2, 1, 0.5f, 0};  // kernel [[1, -1], [2, 1]], bias [0.5, 0]
    std::vector<float> x = {1, 2};
    const float* y = m.forward(x.data(), 1, false);
    CHECK(y[0] == 5.5f);  // 1·1 + 2·2 + 0.5
    CHECK(y[1] == 1.0f);  // relu(-1 + 2)

    Model d(model_of({1, 1, 10000}, {dropout(0.7)}));
    std::vector<float> ones(10000, 1.0f);
    Rng rng(3);
    const float* out = d.forward(ones.data(), 1, true, &rng);
    int dropped = 0;
    for (int i = 0; i < 10000; ++i) {
        if (out[i] == 0.0f) ++dropped;
        else REQUIRE(out[i] == doctest::Approx(1.0f / 0.3f));  // kept units scaled by 1 / (1 - rate)
    }
    CHECK(dropped > 6800);  // Keras' rate is the fraction dropped: 70 % ± 2 %
    CHECK(dropped < 7200);
    CHECK(d.forward(ones.data(), 1, false)[0] == 1.0f);  // identity at inference
}

TEST_CASE("dropout's backward mirrors its forward: the mask after training, the identity after inference") {
    // x = 1 through Dense(1000) with kernel 1, bias 0: the dropout sees ones, so its output is its mask.
    Model m(model_of({1, 1, 1}, {flatten(), dense(1000), dropout(0.5)}));
    std::fill(m.params().begin(), m.params().begin() + 1000, 1.0f);
    std::vector<float> x = {1.0f}, dy(1000, 1.0f);
    Rng rng(3);
    for (bool training : {true, false}) {
        CAPTURE(training);
        const float* y = m.forward(x.data(), 1, training, &rng);
        const std::vector<float> mask(y, y + 1000);
        m.zero_grads();
        m.backward(dy.data(), 1);
        int dropped = 0;
        for (int j = 0; j < 1000; ++j) {
            REQUIRE(m.grads()[j] == (training ? mask[j] : 1.0f));  // dkernel = x · dz, dz = dy ⊙ mask
            dropped += mask[j] == 0.0f;
        }
        CHECK((training ? dropped > 400 && dropped < 600 : dropped == 0));
    }
}

TEST_CASE("softmax cross-entropy is exact and stable") {
    std::vector<float> logits = {0.0f, std::log(3.0f), 1000.0f, 0.0f}, probs(4), d(4);
    std::vector<uint8_t> labels = {1, 1};
    int64_t correct = 0;
    double loss = softmax_cross_entropy(probs.data(), d.data(), logits.data(), labels.data(), 2, 2, &correct);
    CHECK(probs[0] == doctest::Approx(0.25));
    CHECK(probs[1] == doctest::Approx(0.75));
    CHECK(loss == doctest::Approx(-std::log(0.75) + 1000.0));  // no overflow, no log(0)
    CHECK(correct == 1);
    CHECK(d[0] == doctest::Approx(0.25 / 2));  // (p - onehot) / batch
    CHECK(d[1] == doctest::Approx(-0.25 / 2));
}

// Each algorithm conv2d_algorithm picks is reached: one input channel (the direct kernel), 3×3 at
// stride 1 (Winograd), the other windows and strides (im2col + GEMM).
TEST_CASE("conv2d gradients: 1/2 channels x valid/same x stride 1/2 x odd/even sizes") {
    for (int channels : {1, 2})
        for (const char* padding : {"valid", "same"})
            for (int stride : {1, 2})
                for (int size : {5, 6})
                    for (int k : {2, 3}) {
                        CAPTURE(channels);
                        CAPTURE(size);
                        CAPTURE(k);
                        CAPTURE(stride);
                        // Two convs, so the first one's gradient flows through the second's dx.
                        check_gradients(model_of({size, size, channels}, {conv(3, k, stride, padding, "tanh"),
                                                                          conv(2, k, 1, "same"), flatten(), dense(3)}),
                                        2);
                    }
}

TEST_CASE("max pooling gradients: valid/same x stride 1/2 x odd/even sizes") {
    for (const char* padding : {"valid", "same"})
        for (int stride : {1, 2})
            for (int size : {5, 6}) {
                CAPTURE(size);
                CAPTURE(stride);
                check_gradients(
                    model_of({size, size, 1}, {conv(3, 3, 1, "same"), pool(2, stride, padding), flatten(), dense(2)}),
                    2, 6, 1e-3f);
            }
}

TEST_CASE("dense, dropout, flatten and every activation pass gradients") {
    for (const char* act : {"linear", "relu", "sigmoid", "tanh", "softmax"}) {
        CAPTURE(act);
        check_gradients(model_of({3, 3, 2}, {conv(4, 3, 1, "same"), activation(act), flatten(), dense(6, act),
                                             dropout(0.5), dense(4)}),
                        3, 6, 1e-3f);
    }
}

TEST_CASE("Basic_CNN gradients on a tiny batch (softmax + cross-entropy, dropout on)") {
    check_gradients(basic_cnn_spec(), 2, 4, 1e-3f);
}

TEST_CASE("a final softmax, in the last Dense or an Activation of its own, is left to the loss") {
    for (bool own_layer : {false, true}) {
        CAPTURE(own_layer);
        auto layers = own_layer ? std::vector<test::json>{flatten(), dense(5), activation("softmax")}
                                : std::vector<test::json>{flatten(), dense(5, "softmax")};
        check_gradients(model_of({4, 4, 1}, layers), 3);
        Model m(model_of({4, 4, 1}, layers));
        Rng rng(1);
        m.init_weights(rng);
        auto x = test::random_vector(16, rng);
        const float* p = m.forward(x.data(), 1, false);
        const float* z = m.logits();
        double sum = 0;
        for (int k = 0; k < 5; ++k) sum += std::exp(double(z[k]));
        for (int k = 0; k < 5; ++k) CHECK(p[k] == doctest::Approx(std::exp(double(z[k])) / sum));
        CHECK(m.layer_output(m.layers().size() - 1) == p);  // the layer's output is the probabilities
    }
}

TEST_CASE("impossible architectures are refused with the layer and the shapes") {
    auto err = test::error_of([] { Model m(model_of({2, 2, 1}, {conv(4, 3, 1, "valid")})); });
    CHECK(test::contains(err, "Conv2D 'conv2d'"));
    CHECK(test::contains(err, "3x3 'valid' window does not fit the 2x2 input"));
    err = test::error_of([] { Model m(model_of({28, 28, 1}, {dense(10)})); });
    CHECK(test::contains(err, "Dense 'dense': needs a flat input but gets (None, 28, 28, 1); add a Flatten layer"));
    err = test::error_of([] { Model m(model_of({28, 28, 1}, {flatten(), dense(1000000000)})); });
    CHECK(test::contains(err, "Dense 'dense'"));
    CHECK(test::contains(err, "GiB for training; the limit is 1.5 GiB"));
    err = test::error_of([] { Model m(model_of({28, 28, 1}, {dropout(1.0)})); });
    CHECK(test::contains(err, "rate is the fraction dropped and must be in [0, 1) (got 1)"));
}

TEST_CASE("Basic_CNN has the tutorial's shapes and 1,676,266 parameters") {
    Model m(basic_cnn_spec());
    CHECK(m.param_count() == 1676266);
    CHECK(m.layers()[8]->out == Shape{1, 1, 3136, 1});
    CHECK(test::contains(m.summary(), "Total params: 1,676,266"));
    CHECK(test::contains(m.summary(), "max_pooling2d_1 (MaxPooling2D)"));
}
