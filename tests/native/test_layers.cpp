// Layer forward values checked by hand, a naive convolution as reference, and every layer's
// backward pass against central finite differences.
#include <doctest/doctest.h>

#include <cmath>

#include "core/kernels/conv_reference.h"
#include "core/loss.h"
#include "core/model.h"
#include "core/parallel.h"
#include "core/trainer.h"
#include "helpers.h"

using namespace cnn;

namespace {

using test::activation;
using test::conv;
using test::dense;
using test::dropout;
using test::flatten;
using test::json;
using test::model_of;
using test::pool;

// Σ R·output, or the mean cross-entropy for a softmax-ending model, plus the regularizers'
// penalty; dropout masks are drawn
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
        return loss / batch + m.regularization(false);
    }
    double sum = 0;
    for (int64_t i = 0; i < batch * classes; ++i) sum += double(r[i]) * y[i];
    if (dlogits) *dlogits = r;
    return sum + m.regularization(false);
}

// Compares backward() with central differences on random parameters of every layer.
void check_gradients(ModelSpec spec, int batch, int per_layer = 6, float h = 1e-2f) {
    Model m(std::move(spec));
    Rng rng(42);
    m.init_weights(rng);
    for (const ModelWeight& w : m.weights())  // biases and BN's gamma, beta off their constants, so every gradient is exercised
        if (w.spec.trainable && w.spec.initializer.kind != Initializer::VarianceScaling)
            for (int64_t i = 0; i < w.spec.count(); ++i) m.data(w)[i] = rng.uniform(-0.3f, 0.3f);
    auto x = test::random_vector(batch * m.input_shape().size(), rng, 0.0f, 1.0f);
    auto r = test::random_vector(batch * m.output_shape().size(), rng);
    std::vector<uint8_t> labels(batch);
    for (auto& y : labels) y = uint8_t(rng.below(uint32_t(m.output_shape().size())));

    std::vector<float> dlogits;
    const double at = objective(m, x, r, labels, batch, &dlogits);
    m.zero_grads();
    m.backward(dlogits.data(), batch);
    m.regularization(true);
    const std::vector<float> analytic = m.grads();

    for (const ModelWeight& w : m.weights()) {
        if (!w.spec.trainable) continue;
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
            for (int dilation : {1, 2})
                for (int size : {5, 8})
                    for (int k : {1, 2, 3}) {
                        if (stride > 1 && dilation > 1) continue;  // refused, as Keras does
                        CAPTURE(padding);
                        CAPTURE(stride);
                        CAPTURE(dilation);
                        CAPTURE(size);
                        CAPTURE(k);
                        json layer = conv(7, k, stride, padding);
                        layer["config"]["dilation_rate"] = dilation;
                        Model m(model_of({size, size, 3}, {layer}));
                        Rng rng(size * 31 + k);
                        m.init_weights(rng);
                        const float* kernel = m.data(m.weights()[0]);
                        float* bias = m.data(m.weights()[1]);
                        for (int f = 0; f < 7; ++f) bias[f] = rng.uniform(-1, 1);
                        auto x = test::random_vector(m.input_shape().size(), rng);
                        const float* y = m.forward(x.data(), 1, false);
                        const ConvGeometry g =
                            make_conv_geometry(size, size, 3, k, k, stride, stride,
                                               padding == std::string("same") ? Padding::Same : Padding::Valid,
                                               dilation, dilation);
                        std::vector<float> want(g.out_pixels() * 7);
                        conv2d_reference_forward(x.data(), kernel, bias, g, 7, want.data());
                        REQUIRE(int64_t(want.size()) == m.output_shape().size());
                        for (size_t i = 0; i < want.size(); ++i) REQUIRE(y[i] == doctest::Approx(want[i]).epsilon(1e-5));
                    }
}

TEST_CASE("dilated conv2d: Keras' output sizes, and strides other than 1 refused beside a dilation") {
    // 'valid': out = in - (k - 1)·d; 'same': out = in, padded by (k - 1)·d in total.
    json layer = conv(2, 3, 1, "valid");
    layer["config"]["dilation_rate"] = json{2, 3};
    CHECK(Model(model_of({9, 9, 1}, {layer})).output_shape() == Shape{5, 3, 2, 3});
    layer["config"]["padding"] = "same";
    CHECK(Model(model_of({9, 9, 1}, {layer})).output_shape() == Shape{9, 9, 2, 3});
    layer["config"]["strides"] = 2;
    CHECK_THROWS_WITH(Model(model_of({9, 9, 1}, {layer})),
                      doctest::Contains("strides other than 1 cannot be combined with a dilation_rate other than 1"));
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

// Dilated windows take im2col + GEMM whatever the channel count (the first conv has one channel).
TEST_CASE("dilated conv2d gradients: 1/2 channels x valid/same x dilation 2/3") {
    for (int channels : {1, 2})
        for (const char* padding : {"valid", "same"})
            for (int dilation : {2, 3})
                for (int k : {2, 3}) {
                    CAPTURE(channels);
                    CAPTURE(padding);
                    CAPTURE(dilation);
                    CAPTURE(k);
                    json first = conv(3, k, 1, padding, "tanh"), second = conv(2, k, 1, "same");
                    first["config"]["dilation_rate"] = dilation;
                    second["config"]["dilation_rate"] = json{dilation, 1};
                    check_gradients(model_of({7, 8, channels}, {first, second, flatten(), dense(3)}), 2);
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

// --- The Keras toolkit's layers ------------------------------------------------------------------

namespace {

test::json layer(const char* class_name, test::json config = test::json::object()) {
    return {{"class_name", class_name}, {"config", std::move(config)}};
}

}  // namespace

TEST_CASE("BatchNormalization gradients in training mode, with and without gamma and beta") {
    for (bool center : {true, false})
        for (bool scale : {true, false}) {
            CAPTURE(center);
            CAPTURE(scale);
            auto bn = layer("BatchNormalization", {{"center", center}, {"scale", scale}});
            check_gradients(model_of({5, 5, 2}, {conv(3, 3, 1, "same"), bn, activation("tanh"), flatten(), dense(3)}), 3,
                            6, 1e-3f);
            check_gradients(model_of({2, 2, 1}, {flatten(), dense(4), bn, dense(3, "softmax")}), 4, 6, 1e-3f);
        }
}

TEST_CASE("BatchNormalization: batch statistics and Keras' moving averages in training, the stored ones after") {
    Model m(model_of({1, 1, 1}, {layer("BatchNormalization", {{"momentum", 0.9}, {"epsilon", 0.01}})}));
    Rng rng(1);
    m.init_weights(rng);
    REQUIRE(m.weights().size() == 4);
    CHECK(m.weights()[2].name == "batch_normalization/moving_mean");
    CHECK(!m.weights()[3].spec.trainable);
    CHECK(m.analysis().trainable_params == 2);
    CHECK(m.analysis().total_params == 4);
    m.params() = {2.0f, 0.5f};  // gamma, beta
    std::vector<float> x = {1, 3, 5, 7};  // mean 4, biased variance 5
    const float* y = m.forward(x.data(), 4, true, &rng);
    CHECK(y[0] == doctest::Approx(2.0 * (1 - 4) / std::sqrt(5.01) + 0.5));
    CHECK(y[3] == doctest::Approx(2.0 * (7 - 4) / std::sqrt(5.01) + 0.5));
    CHECK(m.non_trainable()[0] == doctest::Approx(0.1 * 4));        // 0.9 · 0 + 0.1 · 4
    CHECK(m.non_trainable()[1] == doctest::Approx(0.9 + 0.1 * 5));  // 0.9 · 1 + 0.1 · 5
    y = m.forward(x.data(), 1, false);
    CHECK(y[0] == doctest::Approx(2.0 * (1 - 0.4) / std::sqrt(1.4 + 0.01) + 0.5));
    CHECK(m.non_trainable()[0] == doctest::Approx(0.4));  // inference leaves the statistics alone
}

TEST_CASE("BatchNormalization: exact batch statistics over many chunks of rows, far from zero, at any thread count") {
    // 3 · 10 · 10 = 300 rows: four full chunks of 64 and a short one. A mean of 1000 and a
    // variance near 0.08 is where a float Σx² − (Σx)²/n would lose every digit.
    const int batch = 3, C = 2;
    Rng noise(7);
    std::vector<float> x(batch * 10 * 10 * C);
    for (float& v : x) v = 1000.0f + float(noise.uniform()) - 0.5f;
    double mean[C] = {}, variance[C] = {};
    const int64_t rows = int64_t(x.size()) / C;
    for (int64_t r = 0; r < rows; ++r)
        for (int c = 0; c < C; ++c) mean[c] += x[r * C + c] / double(rows);
    for (int64_t r = 0; r < rows; ++r)
        for (int c = 0; c < C; ++c) variance[c] += (x[r * C + c] - mean[c]) * (x[r * C + c] - mean[c]) / double(rows);
    std::vector<float> first;
    for (int threads : {1, 2, 3}) {
        CAPTURE(threads);
        set_num_threads(threads);
        Model m(model_of({10, 10, C}, {layer("BatchNormalization", {{"momentum", 0.0}})}));  // moving = batch's
        Rng rng(1);
        m.init_weights(rng);
        m.forward(x.data(), batch, true, &rng);
        for (int c = 0; c < C; ++c) {
            CHECK(m.non_trainable()[c] == doctest::Approx(mean[c]).epsilon(1e-7).scale(0));
            CHECK(m.non_trainable()[C + c] == doctest::Approx(variance[c]).epsilon(1e-5).scale(0));
        }
        if (first.empty()) first = m.non_trainable();
        CHECK(m.non_trainable() == first);
    }
    set_num_threads(1);
}

TEST_CASE("average pooling: 'same' averages only the cells inside; gradients for valid/same x stride 1/2") {
    Model m(model_of({3, 3, 1}, {layer("AveragePooling2D", {{"pool_size", 2}, {"padding", "same"}})}));
    std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const float* y = m.forward(x.data(), 1, false);
    CHECK(y[0] == 3.0f);  // (1 + 2 + 4 + 5) / 4
    CHECK(y[1] == 4.5f);  // (3 + 6) / 2, not / 4
    CHECK(y[3] == 9.0f);  // the lone corner
    for (const char* padding : {"valid", "same"})
        for (int stride : {1, 2})
            for (int size : {5, 6}) {
                CAPTURE(size);
                CAPTURE(stride);
                auto avg = layer("AveragePooling2D", {{"pool_size", 2}, {"strides", stride}, {"padding", padding}});
                check_gradients(model_of({size, size, 1}, {conv(3, 3, 1, "same"), avg, flatten(), dense(2)}), 2);
            }
}

TEST_CASE("global pooling, zero padding: values and gradients") {
    Model gap(model_of({2, 2, 2}, {layer("GlobalAveragePooling2D")}));
    Model gmp(model_of({2, 2, 2}, {layer("GlobalMaxPooling2D", {{"keepdims", true}})}));
    CHECK(gap.output_shape() == Shape{1, 1, 2, 1});
    CHECK(gmp.output_shape() == Shape{1, 1, 2, 3});
    std::vector<float> x = {1, -1, 2, -2, 3, -3, 4, -8};
    CHECK(gap.forward(x.data(), 1, false)[0] == 2.5f);
    CHECK(gap.forward(x.data(), 1, false)[1] == -3.5f);
    CHECK(gmp.forward(x.data(), 1, false)[1] == -1.0f);
    Model pad(model_of({1, 2, 1}, {layer("ZeroPadding2D", {{"padding", {{1, 0}, {0, 2}}}})}));
    CHECK(pad.output_shape() == Shape{2, 4, 1, 3});
    std::vector<float> row = {5, 6};
    const float* y = pad.forward(row.data(), 1, false);
    CHECK(std::vector<float>(y, y + 8) == std::vector<float>{0, 0, 0, 0, 5, 6, 0, 0});
    for (const auto& l : {layer("GlobalAveragePooling2D"), layer("GlobalMaxPooling2D"),
                          layer("ZeroPadding2D", {{"padding", {{2, 1}, {0, 3}}}})}) {
        CAPTURE(l.dump());
        const bool flat = l["class_name"] != "ZeroPadding2D";
        auto layers = std::vector<test::json>{conv(3, 3, 1, "valid"), l};
        if (!flat) layers.push_back(flatten());
        layers.push_back(dense(2));
        check_gradients(model_of({6, 5, 2}, layers), 2, 6, 1e-3f);
    }
}

TEST_CASE("activations follow TF.js' formulas and pass gradients, in Dense and as layers") {
    struct Case {
        const char* name;
        float x, y;
    };
    // Values from TF.js' formulas: elu e^x − 1, selu 1.0507·x or 1.7581·(e^x − 1), gelu x·Φ(x),
    // swish x·σ(x), softplus log(1 + e^x), relu6 min(6, max(0, x)).
    for (auto c : {Case{"elu", -1, std::expm1(-1.0f)}, Case{"elu", 2, 2}, Case{"selu", -1, -1.1113307f},
                   Case{"selu", 2, 2.1014020f}, Case{"gelu", 1, 0.8413447f}, Case{"gelu", -0.5f, -0.1542687f},
                   Case{"swish", 1, 0.7310586f}, Case{"softplus", 0, std::log(2.0f)}, Case{"softplus", 30, 30},
                   Case{"relu6", 7, 6}, Case{"relu6", 3, 3}, Case{"relu6", -1, 0}}) {
        CAPTURE(c.name);
        CAPTURE(c.x);
        Model m(model_of({1, 1, 1}, {activation(c.name)}));
        CHECK(m.forward(&c.x, 1, false)[0] == doctest::Approx(c.y).epsilon(1e-6));
    }
    for (const char* act : {"elu", "selu", "gelu", "swish", "softplus", "relu6"}) {
        CAPTURE(act);
        // Inputs spread over [-3, 3] so the kinks (elu, selu, relu6) and both tails are crossed.
        check_gradients(model_of({3, 3, 2}, {conv(4, 3, 1, "same", act), activation(act), flatten(), dense(6, act),
                                             dense(3)}),
                        3, 6, 1e-3f);
    }
}

TEST_CASE("ReLU (max_value, negative_slope, threshold) and LeakyReLU: values and gradients") {
    Model m(model_of({1, 1, 5}, {layer("ReLU", {{"max_value", 2.0}, {"negative_slope", 0.1}, {"threshold", 0.5}})}));
    std::vector<float> x = {-1, 0.25f, 1, 2, 3};
    const float* y = m.forward(x.data(), 1, false);
    CHECK(std::vector<float>(y, y + 5) ==
          std::vector<float>{0.1f * (-1 - 0.5f), 0.1f * (0.25f - 0.5f), 1, 2, 2});
    Model leaky(model_of({1, 1, 2}, {layer("LeakyReLU")}));
    std::vector<float> z = {-2, 3};
    CHECK(leaky.forward(z.data(), 1, false)[0] == doctest::Approx(-0.6));  // TF.js' default alpha 0.3
    Model keras3(model_of({1, 1, 2}, {layer("LeakyReLU", {{"negative_slope", 0.2}})}));
    CHECK(keras3.forward(z.data(), 1, false)[0] == doctest::Approx(-0.4));
    for (const auto& l : {layer("ReLU", {{"max_value", 0.5}, {"negative_slope", 0.2}, {"threshold", -0.1}}),
                          layer("LeakyReLU", {{"alpha", 0.1}})})
        check_gradients(model_of({4, 4, 1}, {conv(3, 3, 1, "same"), l, flatten(), dense(2)}), 2, 6, 1e-3f);
}

TEST_CASE("DepthwiseConv2D and SeparableConv2D: a depthwise multiplier of ones is a per-channel sum; gradients") {
    Model m(model_of({2, 2, 2}, {layer("DepthwiseConv2D", {{"kernel_size", 2}, {"depth_multiplier", 2}})}));
    CHECK(m.output_shape() == Shape{1, 1, 4, 3});
    CHECK(m.weights()[0].name == "depthwise_conv2d/depthwise_kernel");
    std::fill(m.params().begin(), m.params().end(), 1.0f);
    std::vector<float> x = {1, 10, 2, 20, 3, 30, 4, 40};
    const float* y = m.forward(x.data(), 1, false);
    CHECK(std::vector<float>(y, y + 4) == std::vector<float>{11, 11, 101, 101});  // channel c·M + m, bias 1
    Model s(model_of({5, 5, 3}, {layer("SeparableConv2D", {{"filters", 4}, {"kernel_size", 3}, {"depth_multiplier", 2}})}));
    CHECK(s.analysis().total_params == 3 * 3 * 3 * 2 + 6 * 4 + 4);
    for (const char* padding : {"valid", "same"})
        for (int stride : {1, 2}) {
            CAPTURE(padding);
            CAPTURE(stride);
            auto config = test::json{{"kernel_size", 3}, {"strides", stride}, {"padding", padding},
                                     {"depth_multiplier", 2}, {"activation", "tanh"}};
            auto separable = config;
            separable["filters"] = 3;
            separable["padding"] = "same";
            check_gradients(model_of({6, 5, 2}, {layer("DepthwiseConv2D", config), layer("SeparableConv2D", separable),
                                                 flatten(), dense(2)}),
                            2);
        }
}

TEST_CASE("SpatialDropout2D drops whole feature maps in training only") {
    Model m(model_of({4, 4, 200}, {layer("SpatialDropout2D", {{"rate", 0.5}})}));
    std::vector<float> ones(4 * 4 * 200, 1.0f);
    Rng rng(5);
    const float* y = m.forward(ones.data(), 1, true, &rng);
    int dropped = 0;
    for (int c = 0; c < 200; ++c) {
        for (int q = 1; q < 16; ++q) REQUIRE(y[q * 200 + c] == y[c]);  // the same at every pixel
        REQUIRE((y[c] == 0.0f || y[c] == 2.0f));
        dropped += y[c] == 0.0f;
    }
    CHECK(dropped > 70);
    CHECK(dropped < 130);
    CHECK(m.forward(ones.data(), 1, false)[0] == 1.0f);
    check_gradients(model_of({4, 4, 1}, {conv(4, 3, 1, "same"), layer("SpatialDropout2D", {{"rate", 0.5}}),
                                         flatten(), dense(2)}),
                    2);
}

TEST_CASE("kernel and bias regularizers add Keras' penalty to the loss and its gradient") {
    auto regularized = [](test::json l, const char* key, test::json reg) {
        l["config"][key] = std::move(reg);
        return l;
    };
    auto l1l2 = test::json{{"class_name", "L1L2"}, {"config", {{"l1", 0.01}, {"l2", 0.02}}}};
    check_gradients(model_of({4, 4, 1}, {regularized(conv(3, 3, 1, "same"), "kernel_regularizer", l1l2), flatten(),
                                         regularized(dense(4, "softmax"), "bias_regularizer", "l2")}),
                    2);
    Model m(model_of({1, 1, 2}, {flatten(), regularized(dense(1), "kernel_regularizer",
                                                        {{"class_name", "L1"}, {"config", {{"l1", 0.5}}}})}));
    m.params() = {-2, 3, 7};  // kernel, bias (not regularized)
    CHECK(m.regularization(false) == doctest::Approx(0.5 * (2 + 3)));
    auto err = test::error_of([] {
        Model bad(model_of({1, 1, 2}, {flatten(), {{"class_name", "Dense"},
                                                   {"config", {{"units", 1}, {"kernel_regularizer",
                                                                              {{"class_name", "L2"}, {"config", {{"l2", -1}}}}}}}}}));
    });
    CHECK(test::contains(err, "kernel_regularizer l2 must be at least 0 (got -1)"));
}

TEST_CASE("initializers by their Keras names: seeds give the same weights, the spread follows the fans") {
    auto with_init = [](const char* name, test::json config) {
        auto d = dense(400);
        d["config"]["kernel_initializer"] = {{"class_name", name}, {"config", std::move(config)}};
        return model_of({1, 1, 100}, {flatten(), d});
    };
    for (const char* name : {"GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LeCunUniform",
                             "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling"}) {
        CAPTURE(name);
        Model a(with_init(name, {{"seed", 7}})), b(with_init(name, {{"seed", 7}}));
        Rng r1(1), r2(2);
        a.init_weights(r1), b.init_weights(r2);  // different model seeds, the same initializer seed
        CHECK(std::equal(a.params().begin(), a.params().begin() + 40000, b.params().begin()));
    }
    auto variance = [](Model& m) {
        double sum = 0;
        for (int i = 0; i < 40000; ++i) sum += double(m.params()[i]) * m.params()[i];
        return sum / 40000;
    };
    struct Case {
        const char* name;
        double variance;
    };
    // fan_in 100, fan_out 400: He 2 / 100, LeCun 1 / 100, Glorot 2 / 500; RandomNormal 0.05².
    for (auto c : {Case{"HeNormal", 0.02}, Case{"HeUniform", 0.02}, Case{"LecunNormal", 0.01},
                   Case{"GlorotNormal", 0.004}, Case{"GlorotUniform", 0.004}, Case{"RandomNormal", 0.0025}}) {
        CAPTURE(c.name);
        Model m(with_init(c.name, test::json::object()));
        Rng rng(3);
        m.init_weights(rng);
        CHECK(variance(m) == doctest::Approx(c.variance).epsilon(0.05));
    }
    Model ones(with_init("Constant", {{"value", 0.25}}));
    Rng rng(1);
    ones.init_weights(rng);
    CHECK(ones.params()[123] == 0.25f);
    auto err = test::error_of([&] { Model bad(with_init("Orthogonal", test::json::object())); });
    CHECK(test::contains(err, "unknown initializer 'Orthogonal'"));
}

TEST_CASE("training reports the loss with the regularizers' penalty, as Keras does") {
    auto d = dense(10, "softmax");
    d["config"]["kernel_regularizer"] = {{"class_name", "L2"}, {"config", {{"l2", 0.5}}}};
    Model m(model_of({2, 2, 1}, {flatten(), d}));
    Rng rng(4);
    m.init_weights(rng);
    Dataset data;
    data.count = 4, data.rows = 2, data.cols = 2;
    data.images = {0, 50, 100, 150, 200, 250, 10, 20, 30, 40, 50, 60, 255, 0, 255, 0};
    data.labels = {1, 2, 3, 4};
    const Evaluation before = evaluate(m, data, 0, 0, 4);  // the mean cross-entropy plus the penalty
    double penalty = 0;
    for (int i = 0; i < 40; ++i) penalty += 0.5 * double(m.params()[i]) * m.params()[i];
    CHECK(penalty > 0.1);
    CHECK(m.regularization(false) == doctest::Approx(penalty));
    TrainConfig config;
    config.batch_size = 4;
    Trainer trainer(m, data, config);
    const StepStats s = trainer.run(1);  // one batch of all four images, at the weights evaluated
    CHECK(s.loss == doctest::Approx(before.loss).epsilon(1e-6));
}
