// Each optimiser's first steps against values worked out by hand from Keras' update rules, and
// against TensorFlow.js (4.22, cpu backend) where it has the optimiser: one parameter from 1.0,
// gradients 1, −0.5, 2, stepped with tf.train.* and read back with dataSync().
#include <array>

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

// Three steps of one parameter starting at 1.0 with the gradients 1, −0.5, 2.
std::array<float, 3> three_steps(OptimizerConfig c) {
    Optimizer opt(c, 1);
    float p = 1.0f;
    std::array<float, 3> after{};
    const float grads[3] = {1.0f, -0.5f, 2.0f};
    for (int i = 0; i < 3; ++i) {
        opt.step(&p, &grads[i]);
        after[i] = p;
    }
    return after;
}

void check_steps(const std::array<float, 3>& got, std::array<double, 3> want) {
    for (int i = 0; i < 3; ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-6));
}

}  // namespace

TEST_CASE("Keras defaults") {
    CHECK(optimizer_defaults("sgd").learning_rate.at(0) == doctest::Approx(0.01));
    CHECK(optimizer_defaults("adam").learning_rate.at(0) == doctest::Approx(0.001));
    CHECK(optimizer_defaults("adam").epsilon == doctest::Approx(1e-7));
    CHECK(optimizer_defaults("rmsprop").rho == doctest::Approx(0.9));
    CHECK(optimizer_defaults("AdamW").weight_decay == doctest::Approx(0.004));
    CHECK(optimizer_defaults("adam").weight_decay == 0);
    CHECK(optimizer_defaults("RMSprop").centered == false);
    CHECK_THROWS_WITH(optimizer_defaults("adagrad"), "unknown optimizer 'adagrad' (expected Adam, AdamW, SGD or RMSprop)");
}

TEST_CASE("SGD, with momentum and Nesterov") {
    OptimizerConfig c = optimizer_defaults("sgd");
    c.learning_rate = Schedule::constant(0.1);
    auto plain = two_steps(c, 1.0f);
    CHECK(plain.first == doctest::Approx(0.9));
    CHECK(plain.second == doctest::Approx(0.8));
    c.momentum = 0.9;  // v1 = -0.1, p1 = 0.9; v2 = 0.9·(-0.1) - 0.1 = -0.19, p2 = 0.71
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
    c.learning_rate = Schedule::constant(0.01);
    // ms1 = 0.1, p1 = 1 - 0.01 / √(0.1 + 1e-7) = 0.96837738; ms2 = 0.19, p2 = p1 - 0.01 / √0.1900001 = 0.94543577
    auto steps = two_steps(c, 1.0f);
    CHECK(steps.first == doctest::Approx(0.96837738).epsilon(1e-6));
    CHECK(steps.second == doctest::Approx(0.94543577).epsilon(1e-6));
}

TEST_CASE("SGD, Adam and RMSprop agree with TF.js over three steps") {
    OptimizerConfig c = optimizer_defaults("sgd");
    c.learning_rate = Schedule::constant(0.1);
    c.momentum = 0.9;
    check_steps(three_steps(c), {0.899999976, 0.859999955, 0.623999953});  // tf.train.momentum(0.1, 0.9)
    c.nesterov = true;
    check_steps(three_steps(c), {0.810000002, 0.824000001, 0.411600024});  // tf.train.momentum(0.1, 0.9, true)
    check_steps(three_steps(optimizer_defaults("adam")), {0.999000013, 0.998733699, 0.998075604});  // tf.train.adam(0.001, 0.9, 0.999, 1e-7)
    c = optimizer_defaults("rmsprop");
    c.learning_rate = Schedule::constant(0.01);
    check_steps(three_steps(c), {0.968377233, 0.983121395, 0.954935610});  // tf.train.rmsprop(0.01, 0.9, 0, 1e-7)
}

TEST_CASE("RMSprop centered, with momentum") {
    OptimizerConfig c = optimizer_defaults("rmsprop");
    c.learning_rate = Schedule::constant(0.01);
    c.centered = true;
    c.momentum = 0.5;
    // Step 1, g = 1: ms = 0.1, mg = 0.1, step = 0.01 / √(0.1 − 0.01 + 1e-7) = 0.0333333148, mom = step,
    //   p = 0.96666669. Step 2, g = −0.5: ms = 0.115, mg = 0.04, step = 0.01·(−0.5) / √(0.115 − 0.0016
    //   + 1e-7) = −0.0148476, mom = 0.5·0.0333333 − 0.0148476 = 0.0018191, p = 0.96484787.
    // TF.js: tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true) gives the same three values.
    check_steps(three_steps(c), {0.966666639, 0.964847803, 0.934051156});
}

TEST_CASE("AdamW decays the weights apart from the gradient step (Keras 3)") {
    OptimizerConfig c = optimizer_defaults("adamw");
    c.learning_rate = Schedule::constant(0.01);
    c.weight_decay = 0.1;
    // Step 1, g = 1: p = 1 − 1·0.1·0.01 = 0.999, then Adam's step: m = 0.1, v = 0.001,
    //   α = 0.01·√0.001 / 0.1 = 0.00316228, Δ = α·0.1 / (0.0316228 + 1e-7) = 0.00999997: p = 0.98900003.
    // Then p·(1 − 0.001) before each of Adam's steps (values from the same formulas in double).
    check_steps(three_steps(c), {0.98900003, 0.98534767, 0.97778121});
    // With no decay it is Adam.
    c.weight_decay = 0;
    OptimizerConfig adam = optimizer_defaults("adam");
    adam.learning_rate = Schedule::constant(0.01);
    CHECK(three_steps(c) == three_steps(adam));
    // Keras' default decay, 0.004, at the default rate 0.001.
    check_steps(three_steps(optimizer_defaults("adamw")), {0.998996003, 0.998725671, 0.998063565});
}

TEST_CASE("the learning rate follows the schedule, one value per step from step 0") {
    OptimizerConfig c = optimizer_defaults("sgd");
    c.learning_rate.kind = ScheduleKind::PiecewiseConstantDecay;
    c.learning_rate.boundaries = {1};
    c.learning_rate.values = {0.1, 0.01};
    // Steps 1 and 2 use the rates of iterations 0 and 1 (≤ boundary 1): 0.1; step 3 uses 0.01.
    check_steps(three_steps(c), {0.9, 0.95, 0.93});
    Optimizer opt(c, 1);
    CHECK(opt.learning_rate() == doctest::Approx(0.1));
    CHECK_THROWS_WITH(opt.set_learning_rate(0.5), "the learning rate follows a PiecewiseConstantDecay schedule and cannot be set");
}
