// Explanations of a prediction: the input gradient against finite differences, Grad-CAM against
// its definition, occlusion against evaluating each occluded image.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/explain.h"
#include "helpers.h"

using namespace cnn;

namespace {

Model random_model(ModelSpec spec, uint64_t seed) {
    Model m(std::move(spec));
    Rng rng(seed);
    m.init_weights(rng);
    for (const ModelWeight& w : m.weights())  // non-zero biases, so the ReLUs are not all alike
        if (w.spec.initializer.kind == Initializer::Zeros)
            for (int64_t i = 0; i < w.spec.count(); ++i) m.data(w)[i] = rng.uniform(-0.2f, 0.2f);
    return m;
}

float logit(Model& m, const std::vector<float>& x, int c) {
    m.forward(x.data(), 1, false);
    return m.logits()[c];
}

}  // namespace

TEST_CASE("the input gradient of a class score matches finite differences, and no weight changes") {
    using namespace test;
    // Every kind of layer on the way back to the input: conv, pool, flatten, dense, dropout, activation.
    Model m = random_model(model_of({8, 8, 1}, {conv(4, 3, 1, "same", "relu"), pool(2, 2, "valid"),
                                                conv(6, 3, 1, "same", "relu"), flatten(), dense(16, "tanh"),
                                                dropout(0.5), dense(10), activation("softmax")}),
                           7);
    Rng rng(3);
    const std::vector<float> x = random_vector(64, rng, 0.0f, 1.0f);
    const std::vector<float> weights = m.params();
    for (int target : {-1, 3}) {
        const Explanation e = explain(m, x.data(), target);
        if (target >= 0) CHECK(e.target == target);
        else CHECK(e.target == std::max_element(e.probabilities.begin(), e.probabilities.end()) - e.probabilities.begin());
        REQUIRE(e.gradient.size() == 64);
        REQUIRE(e.saliency.size() == 64);
        const float at = logit(m, x, e.target);
        int checked_nonzero = 0;
        for (int i = 0; i < 64; ++i) {
            // Near a ReLU or max-pool kink only one side is smooth: accept the central or either
            // one-sided difference, at h or h/4 (as the layers' gradient checks do).
            const double got = e.gradient[i];
            auto close = [&](double numeric) { return std::fabs(numeric - got) <= 2e-3 + 2e-2 * std::fabs(numeric); };
            bool ok = false;
            std::vector<float> probe = x;
            for (float h : {1e-2f, 2.5e-3f}) {
                probe[i] = x[i] + h;
                const double up = logit(m, probe, e.target);
                probe[i] = x[i] - h;
                const double down = logit(m, probe, e.target);
                probe[i] = x[i];
                ok = ok || close((up - down) / (2.0 * h)) || close((up - at) / h) || close((at - down) / h);
            }
            CHECK_MESSAGE(ok, "pixel " << i << ": analytic " << got);
            CHECK(e.saliency[i] == doctest::Approx(std::fabs(e.gradient[i])));
            checked_nonzero += std::fabs(got) > 1e-4;
        }
        CHECK(checked_nonzero > 32);  // a real gradient, not zeros matching zeros
    }
    CHECK(m.params() == weights);
}

TEST_CASE("Grad-CAM is ReLU(Σ_k α_k A_k) on the last convolution, α_k the mean of ∂z/∂A_k") {
    using namespace test;
    // conv2d_1's output A [4, 4, 3] feeds a Dense through Flatten, so ∂z_c/∂A at (pixel p,
    // channel k) is exactly the Dense kernel's entry [p·3 + k, c].
    Model m = random_model(model_of({6, 6, 1}, {conv(2, 3, 1, "same", "relu"), conv(3, 3, 1, "valid", "relu"), flatten(),
                                                dense(10, "softmax")}),
                           11);
    Rng rng(5);
    const std::vector<float> x = random_vector(36, rng, 0.0f, 1.0f);
    const int target = 6;
    const Explanation e = explain(m, x.data(), target);
    CHECK(e.gradcam_layer == "conv2d_1");
    CHECK(e.gradcam_problem.empty());
    REQUIRE(e.cam_h == 4);
    REQUIRE(e.cam_w == 4);

    m.forward(x.data(), 1, false);
    const float* a = m.layer_output(1);
    const float* kernel = m.data(m.weights()[4]);  // dense/kernel [48, 10]
    REQUIRE(m.weights()[4].name == "dense/kernel");
    double alpha[3] = {0, 0, 0};
    for (int p = 0; p < 16; ++p)
        for (int k = 0; k < 3; ++k) alpha[k] += kernel[(p * 3 + k) * 10 + target] / 16.0;
    int positive = 0;
    for (int p = 0; p < 16; ++p) {
        double sum = 0;
        for (int k = 0; k < 3; ++k) sum += alpha[k] * a[p * 3 + k];
        const double expected = std::max(sum, 0.0);
        CHECK(e.cam[p] == doctest::Approx(expected).epsilon(1e-5));
        positive += expected > 0;
    }
    CHECK(positive > 0);
    // Resized to 6 × 6 with half-pixel centres: the corners sample the cam's corners.
    REQUIRE(e.gradcam.size() == 36);
    CHECK(e.gradcam[0] == doctest::Approx(e.cam[0]));
    CHECK(e.gradcam[35] == doctest::Approx(e.cam[15]));
    // Pixel (1, 1) sits at source (0.5, 0.5): the mean of the top-left 2 × 2.
    CHECK(e.gradcam[7] == doctest::Approx((e.cam[0] + e.cam[1] + e.cam[4] + e.cam[5]) / 4));
}

TEST_CASE("Basic_CNN's Grad-CAM uses conv2d_3; a model without convolutions says it has none") {
    Model basic(basic_cnn_spec());
    Rng rng(1);
    basic.init_weights(rng);
    const std::vector<float> image = test::random_vector(784, rng, 0.0f, 1.0f);
    const Explanation e = explain(basic, image.data(), 2);
    CHECK(e.gradcam_layer == "conv2d_3");
    CHECK(e.cam.size() == 14 * 14);
    CHECK(e.gradcam.size() == 784);

    using namespace test;
    Model dense_only = random_model(model_of({28, 28, 1}, {flatten(), dense(32, "relu"), dense(10, "softmax")}), 2);
    const Explanation d = explain(dense_only, image.data(), 4);
    CHECK(d.gradcam_layer.empty());
    CHECK(d.cam.empty());
    CHECK(contains(d.gradcam_problem, "needs a convolution layer"));
    CHECK(d.saliency.size() == 784);  // the saliency map needs no convolution

    CHECK(contains(error_of([&] { explain(dense_only, image.data(), 10); }), "class 10 does not exist"));
    CHECK(contains(error_of([&] { occlusion(dense_only, image.data(), 12); }), "class 12 does not exist"));
}

TEST_CASE("occlusion gives the class probability with each patch greyed, as evaluating that image does") {
    using namespace test;
    // 10 × 10 in patches of 4: a 3 × 3 grid whose last row and column are 2 pixels wide.
    Model m = random_model(model_of({10, 10, 1}, {conv(3, 3, 1, "same", "relu"), pool(2, 2, "valid"), flatten(),
                                                  dense(10, "softmax")}),
                           13);
    Rng rng(9);
    const std::vector<float> x = random_vector(100, rng, 0.0f, 1.0f);
    const Occlusion o = occlusion(m, x.data(), 5);
    REQUIRE(o.rows == 3);
    REQUIRE(o.cols == 3);
    CHECK(o.patch == 4);
    CHECK(o.baseline == doctest::Approx(m.forward(x.data(), 1, false)[5]));
    bool changed = false;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) {
            std::vector<float> occluded = x;
            for (int y = r * 4; y < std::min(10, r * 4 + 4); ++y)
                for (int xx = c * 4; xx < std::min(10, c * 4 + 4); ++xx) occluded[y * 10 + xx] = 0.5f;
            const float direct = m.forward(occluded.data(), 1, false)[5];
            CHECK(o.probability[r * 3 + c] == doctest::Approx(direct).epsilon(1e-5));
            changed = changed || std::fabs(direct - o.baseline) > 1e-4;
        }
    CHECK(changed);
}
