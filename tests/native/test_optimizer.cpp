// Each optimiser's first two steps against values worked out by hand from Keras' update rules.
#include <doctest/doctest.h>

#include "core/optimizer.h"

using namespace cnn;

namespace {

// Two steps of one parameter starting at 1.0 with a constant gradient.
std::pair<float, float> two_steps(OptimizerConfig c, float grad) {
    Optimizer opt(c, 1);
    float p = 1.0f;
    opt.step(&p, &grad);
    float first = p;
    opt.step(&p, &grad);
    return {first, p};
}

}  // namespace

TEST_CASE("Keras defaults") {
    CHECK(optimizer_defaults("sgd").learning_rate == doctest::Approx(0.01));
    CHECK(optimizer_defaults("adam").learning_rate == doctest::Approx(0.001));
    CHECK(optimizer_defaults("adam").epsilon == doctest::Approx(1e-7));
    CHECK(optimizer_defaults("rmsprop").rho == doctest::Approx(0.9));
    CHECK_THROWS_WITH(optimizer_defaults("adagrad"), "unknown optimizer 'adagrad' (expected adam, sgd or rmsprop)");
}

TEST_CASE("SGD, with momentum and Nesterov") {
    OptimizerConfig c = optimizer_defaults("sgd");
    c.learning_rate = 0.1f;
    auto plain = two_steps(c, 1.0f);
    CHECK(plain.first == doctest::Approx(0.9));
    CHECK(plain.second == doctest::Approx(0.8));
    c.momentum = 0.9f;  // v1 = -0.1, p1 = 0.9; v2 = 0.9·(-0.1) - 0.1 = -0.19, p2 = 0.71
    auto momentum = two_steps(c, 1.0f);
    CHECK(momentum.first == doctest::Approx(0.9));
    CHECK(momentum.second == doctest::Approx(0.71));
    c.nesterov = true;  // p1 = 1 + 0.9·(-0.1) - 0.1 = 0.81; p2 = 0.81 + 0.9·(-0.19) - 0.1 = 0.539
    auto nesterov = two_steps(c, 1.0f);
    CHECK(nesterov.first == doctest::Approx(0.81));
    CHECK(nesterov.second == doctest::Approx(0.539));
}

TEST_CASE("Adam") {
    // Step 1, g = 0.5: m = 0.05, v = 0.00025, α = 0.001·√0.001 / 0.1 = 3.16228e-4,
    //   p = 1 - α·0.05 / (0.0158114 + 1e-7) = 0.99900001.
    // Step 2: m = 0.095, v = 0.00049975, α = 0.001·√0.001999 / 0.19 = 2.35317e-4,
    //   p = 0.99900001 - α·0.095 / (0.0223551 + 1e-7) = 0.99800001.
    auto steps = two_steps(optimizer_defaults("adam"), 0.5f);
    CHECK(steps.first == doctest::Approx(0.99900001).epsilon(1e-7));
    CHECK(steps.second == doctest::Approx(0.99800001).epsilon(1e-7));
}

TEST_CASE("RMSprop") {
    OptimizerConfig c = optimizer_defaults("rmsprop");
    c.learning_rate = 0.01f;
    // ms1 = 0.1, p1 = 1 - 0.01 / √(0.1 + 1e-7) = 0.96837738; ms2 = 0.19, p2 = p1 - 0.01 / √0.1900001 = 0.94543577
    auto steps = two_steps(c, 1.0f);
    CHECK(steps.first == doctest::Approx(0.96837738).epsilon(1e-6));
    CHECK(steps.second == doctest::Approx(0.94543577).epsilon(1e-6));
}

TEST_CASE("bad hyper-parameters are refused") {
    OptimizerConfig c = optimizer_defaults("adam");
    c.learning_rate = -1;
    CHECK_THROWS_WITH(Optimizer(c, 1), doctest::Contains("the learning rate must be between 1e-06 and 10 (got -1)"));
    c.learning_rate = 1e30f;  // beyond what any model trains at
    CHECK_THROWS_WITH(Optimizer(c, 1), doctest::Contains("(got 1.00000002e+30)"));
    c = optimizer_defaults("sgd");
    c.momentum = 1.5f;
    CHECK_THROWS_WITH(Optimizer(c, 1), doctest::Contains("momentum must be in [0, 1)"));
}
