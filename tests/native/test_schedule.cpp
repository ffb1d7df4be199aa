// Learning-rate schedules against Keras 3's formulas, worked out by hand at several steps.
#include <cmath>

#include <doctest/doctest.h>

#include "core/fit_config.h"
#include "core/schedule.h"
#include "helpers.h"

using namespace cnn;

namespace {

Schedule read(const std::string& schedule) {
    return read_fit_config(R"({"optimizer": "sgd", "learning_rate": )" + schedule + "}").optimizer.learning_rate;
}

}  // namespace

TEST_CASE("ExponentialDecay: initial · rate^(step / decay_steps), floored when staircase") {
    Schedule s = read(R"({"class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}})");
    CHECK(s.at(0) == doctest::Approx(0.1));
    CHECK(s.at(5) == doctest::Approx(0.0707106781));  // 0.1 · 0.5^0.5
    CHECK(s.at(10) == doctest::Approx(0.05));
    CHECK(s.at(25) == doctest::Approx(0.0176776695));  // 0.1 · 0.5^2.5
    s.staircase = true;
    CHECK(s.at(5) == doctest::Approx(0.1));
    CHECK(s.at(9) == doctest::Approx(0.1));
    CHECK(s.at(10) == doctest::Approx(0.05));
    CHECK(s.at(25) == doctest::Approx(0.025));
}

TEST_CASE("CosineDecay: ½(1 + cos(π·step/decay_steps)) from the rate down to alpha · rate, then flat") {
    const Schedule s = read(R"({"class_name": "CosineDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1, "name": "CosineDecay"}})");
    CHECK(s.at(0) == doctest::Approx(0.1));
    CHECK(s.at(25) == doctest::Approx(0.0868198052));  // 0.1 · (0.9 · ½(1 + cos(π/4)) + 0.1)
    CHECK(s.at(50) == doctest::Approx(0.055));         // 0.1 · (0.9 · ½ + 0.1)
    CHECK(s.at(100) == doctest::Approx(0.01));
    CHECK(s.at(1000) == doctest::Approx(0.01));
}

TEST_CASE("CosineDecay with a warm-up: linear from the initial rate to warmup_target, then the cosine") {
    const Schedule s = read(R"({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.0,
        "decay_steps": 100, "warmup_target": 0.1, "warmup_steps": 10}})");
    CHECK(s.at(0) == doctest::Approx(0.0));
    CHECK(s.at(5) == doctest::Approx(0.05));
    CHECK(s.at(10) == doctest::Approx(0.1));
    CHECK(s.at(60) == doctest::Approx(0.05));  // half-way through the decay
    CHECK(s.at(85) == doctest::Approx(0.1 * 0.5 * (1 + std::cos(M_PI * 0.75))));
    CHECK(s.at(110) == doctest::Approx(0.0));
    CHECK(s.at(5000) == doctest::Approx(0.0));
    // Keras writes warmup_target null when there is none.
    const Schedule plain = read(R"({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1,
        "decay_steps": 100, "warmup_target": null, "warmup_steps": 0}})");
    CHECK(!plain.has_warmup_target);
    CHECK(plain.at(100) == doctest::Approx(0.0));
}

TEST_CASE("PiecewiseConstantDecay: values[i] while step ≤ boundaries[i]") {
    const Schedule s = read(R"({"class_name": "PiecewiseConstantDecay",
        "config": {"boundaries": [100, 200], "values": [0.1, 0.01, 0.001]}})");
    CHECK(s.at(0) == doctest::Approx(0.1));
    CHECK(s.at(100) == doctest::Approx(0.1));
    CHECK(s.at(101) == doctest::Approx(0.01));
    CHECK(s.at(200) == doctest::Approx(0.01));
    CHECK(s.at(201) == doctest::Approx(0.001));
}

TEST_CASE("the curve is the rate of each step, for plotting before training") {
    const TrainConfig c = read_fit_config(R"({"optimizer": {"class_name": "SGD", "config": {"learning_rate":
        {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 1, "decay_steps": 1, "decay_rate": 0.5}}}}})");
    const std::vector<float> curve = learning_rate_curve(c, 4);
    CHECK(curve == std::vector<float>{1.0f, 0.5f, 0.25f, 0.125f});
    CHECK(learning_rate_curve(read_fit_config("{}"), 2) == std::vector<float>{0.001f, 0.001f});
    CHECK(test::error_of([&] { learning_rate_curve(c, -1); }) ==
          "the learning rate curve: steps must be between 0 and 1000000 (got -1)");
}

TEST_CASE("bad schedules are refused, naming the field") {
    auto error = [](const std::string& schedule) { return test::error_of([&] { read(schedule); }); };
    CHECK(error(R"({"class_name": "PolynomialDecay", "config": {}})") ==
          "unknown learning rate schedule 'PolynomialDecay' (expected ExponentialDecay, CosineDecay or PiecewiseConstantDecay)");
    CHECK(error(R"({"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_rate": 0.5}})") ==
          "ExponentialDecay: decay_steps is required");
    CHECK(error(R"({"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5}})") ==
          "ExponentialDecay: decay_steps must be between 1 and 1099511627776 (got 0)");
    CHECK(error(R"({"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 2.5, "decay_rate": 0.5}})") ==
          "ExponentialDecay: decay_steps must be a whole number (got 2.5)");
    CHECK(error(R"({"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 1.5}})") ==
          "ExponentialDecay: decay_rate must be above 0 and at most 1 (got 1.5)");
    CHECK(error(R"({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 2}})") ==
          "CosineDecay: alpha must be in [0, 1] (got 2)");
    CHECK(error(R"({"class_name": "CosineDecay", "config": {"initial_learning_rate": "0.1", "decay_steps": 10}})") ==
          "CosineDecay: initial_learning_rate must be a number (got \"0.1\")");
    CHECK(error(R"({"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "power": 2}})") ==
          "CosineDecay: unknown field 'power' (expected alpha, decay_steps, initial_learning_rate, name, warmup_steps, warmup_target)");
    CHECK(error(R"({"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10], "values": [0.1]}})") ==
          "PiecewiseConstantDecay: values must have one more entry than boundaries (got 1 values for 1 boundaries)");
    CHECK(error(R"({"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10, 5], "values": [0.1, 0.01, 0.001]}})") ==
          "PiecewiseConstantDecay: boundaries must increase (5 follows 10)");
    CHECK(error(R"({"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10], "values": [0.1, 20]}})") ==
          "PiecewiseConstantDecay: values must be in [1e-06, 10] (got 20)");
    CHECK(error("\"fast\"") == "learning_rate must be a number or a schedule {\"class_name\": …, \"config\": {…}} (got \"fast\")");
}
