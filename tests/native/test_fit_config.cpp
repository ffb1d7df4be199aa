// The training config JSON: Keras' names and defaults, what the page sends today, clear refusals;
// and validation_split as Keras' fit takes it (the last rows, before shuffling).
#include <doctest/doctest.h>

#include "core/fit_config.h"
#include "core/refuse.h"
#include "core/trainer.h"
#include "helpers.h"

using namespace cnn;

namespace {

std::string error(const std::string& text) {
    return test::error_of([&] { read_fit_config(text); });
}

}  // namespace

TEST_CASE("the page's settings give Keras' Adam, as before") {
    const TrainConfig c = read_fit_config(R"({"optimizer": "adam", "learning_rate": 0.001, "batch_size": 32, "epochs": 1, "seed": 1})");
    CHECK(c.optimizer.kind == OptimizerKind::Adam);
    CHECK(c.optimizer.learning_rate.kind == ScheduleKind::Constant);
    CHECK(float(c.optimizer.learning_rate.initial_learning_rate) == 0.001f);
    CHECK(c.optimizer.weight_decay == 0);
    CHECK(c.batch_size == 32);
    CHECK(c.validation_split == 0);
    CHECK(!c.early_stopping);
    CHECK(c.augmentation.empty());
    const TrainConfig defaults = read_fit_config("{}");
    CHECK(defaults.optimizer.kind == OptimizerKind::Adam);
    CHECK(defaults.epochs == 1);
    CHECK(defaults.seed == 1);
}

TEST_CASE("optimizers as Keras' get_config() writes them") {
    // What keras.optimizers.AdamW().get_config() gives in Keras 3 (unset options as null).
    const TrainConfig adamw = read_fit_config(R"({"optimizer": {"class_name": "AdamW", "config": {
        "name": "adamw", "learning_rate": 0.002, "weight_decay": 0.01, "clipnorm": null, "global_clipnorm": null,
        "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
        "loss_scale_factor": null, "gradient_accumulation_steps": null, "beta_1": 0.85, "beta_2": 0.99,
        "epsilon": 1e-07, "amsgrad": false}}})");
    CHECK(adamw.optimizer.kind == OptimizerKind::AdamW);
    CHECK(adamw.optimizer.weight_decay == doctest::Approx(0.01));
    CHECK(adamw.optimizer.beta_1 == doctest::Approx(0.85));
    CHECK(adamw.optimizer.learning_rate.at(0) == doctest::Approx(0.002));
    const TrainConfig rms = read_fit_config(R"({"optimizer": {"class_name": "RMSprop", "config": {"rho": 0.8,
        "momentum": 0.5, "centered": true, "weight_decay": null}}})");
    CHECK(rms.optimizer.rho == doctest::Approx(0.8));
    CHECK(rms.optimizer.centered);
    CHECK(rms.optimizer.weight_decay == 0);
    CHECK(rms.optimizer.learning_rate.at(0) == doctest::Approx(0.001));
    const TrainConfig sgd = read_fit_config(R"({"optimizer": "SGD", "momentum": 0.9, "nesterov": true})");
    CHECK(sgd.optimizer.momentum == doctest::Approx(0.9));
    CHECK(sgd.optimizer.nesterov);
    CHECK(sgd.optimizer.learning_rate.at(0) == doctest::Approx(0.01));
}

TEST_CASE("bad training configs are refused, naming the field") {
    CHECK(error("{nope") .rfind("the training config is not valid JSON: ", 0) == 0);
    CHECK(error("[1]") == "the training config must be a JSON object (got [1])");
    CHECK(error(R"({"batch": 32})") ==
          "the training config: unknown field 'batch' (expected augmentation, batch_size, callbacks, epochs, learning_rate, "
          "momentum, nesterov, optimizer, seed, validation_every, validation_split)");
    CHECK(error(R"({"optimizer": "adagrad"})") == "unknown optimizer 'adagrad' (expected Adam, AdamW, SGD or RMSprop)");
    CHECK(error(R"({"optimizer": "adam", "momentum": 0.9})") ==
          "Adam: unknown field 'momentum' (expected amsgrad, beta_1, beta_2, clipnorm, clipvalue, ema_momentum, "
          "ema_overwrite_frequency, epsilon, global_clipnorm, gradient_accumulation_steps, learning_rate, "
          "loss_scale_factor, name, use_ema, weight_decay)");
    CHECK(error(R"({"optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1}}, "learning_rate": 0.2})") ==
          "learning_rate is given twice: at the top and in the optimizer's config");
    CHECK(error(R"({"optimizer": {"config": {}}})") == "optimizer: class_name is required");
    CHECK(error(R"({"optimizer": 3})") == "the training config: optimizer must be a name or {\"class_name\": …, \"config\": {…}} (got 3)");
    CHECK(error(R"({"learning_rate": 11})") == "the learning rate must be between 1e-06 and 10 (got 11)");
    CHECK(error(R"({"optimizer": "rmsprop", "momentum": 1})") == "RMSprop: momentum must be in [0, 1) (got 1)");
    CHECK(error(R"({"optimizer": {"class_name": "RMSprop", "config": {"rho": 1.5}}})") == "RMSprop: rho must be in [0, 1) (got 1.5)");
    CHECK(error(R"({"optimizer": {"class_name": "Adam", "config": {"epsilon": 0}}})") ==
          "Adam: epsilon must be in [1e-12, 1] (got 0)");
    CHECK(error(R"({"optimizer": {"class_name": "AdamW", "config": {"weight_decay": -0.1}}})") ==
          "AdamW: weight_decay must be in [0, 1] (got -0.1)");
    CHECK(error(R"({"optimizer": {"class_name": "Adam", "config": {"amsgrad": true}}})") ==
          "Adam: amsgrad is not supported here (got true)");
    CHECK(error(R"({"optimizer": {"class_name": "SGD", "config": {"clipnorm": 1.0}}})") ==
          "SGD: clipnorm is not supported here (got 1.0)");
    CHECK(error(R"({"optimizer": "sgd", "nesterov": "yes"})") == "SGD: nesterov must be true or false (got \"yes\")");
    CHECK(error(R"({"batch_size": 0})") == "batch size must be between 1 and 4096 (got 0)");
    CHECK(error(R"({"epochs": 1.5})") == "the training config: epochs must be a whole number (got 1.5)");
    CHECK(error(R"({"seed": -1})") == "the training config: seed must be at least 0 (got -1)");
    CHECK(error(R"({"validation_split": 1})") == "the training config: validation_split must be in [0, 1) (got 1)");
    CHECK(error(R"({"validation_every": -5})") ==
          "the training config: validation_every must be between 0 and 1000000 steps (got -5)");
    // The refusal names the field for the page to mark.
    std::string field;
    try {
        read_fit_config(R"({"optimizer": {"class_name": "RMSprop", "config": {"rho": 1.5}}})");
    } catch (const Refusal& r) {
        field = r.field;
    }
    CHECK(field == "rho");
}

TEST_CASE("validation_split holds out the last rows before shuffling, as Keras' fit") {
    const Dataset data = test::mnist("t10k", 10);
    Model m(test::model_of({28, 28, 1}, {test::flatten(), test::dense(10, "softmax")}));
    Rng rng(1);
    m.init_weights(rng);
    // floor(10 · (1 − 0.25)) = 7: rows 0–6 train, rows 7–9 validate.
    TrainConfig c = read_fit_config(R"({"optimizer": "sgd", "batch_size": 2, "epochs": 2, "validation_split": 0.25})");
    Trainer t(m, data, c);
    CHECK(t.train_count() == 7);
    CHECK(t.steps_per_epoch() == 4);  // 7 images in batches of 2
    StepStats s = t.run(100);         // a chunk ends with the epoch's validation
    CHECK(s.step == 4);
    CHECK(s.epoch_end);
    REQUIRE(s.validated);
    const Evaluation rows_7_to_9 = evaluate(m, data, 3, 7, 2);
    CHECK(s.val_loss == rows_7_to_9.loss);
    CHECK(s.val_accuracy == rows_7_to_9.accuracy);
    CHECK(s.val_step == 4);

    // Keras' floor: half of 6 leaves 3; 10 · 0.7 is 7 in doubles (not 6.999…), so 0.3 of 10 leaves 7.
    CHECK(Trainer(m, test::mnist("t10k", 6), read_fit_config(R"({"validation_split": 0.5})")).train_count() == 3);
    CHECK(Trainer(m, data, read_fit_config(R"({"validation_split": 0.3})")).train_count() == 7);
    CHECK(test::error_of([&] { Trainer(m, test::mnist("t10k", 2), read_fit_config(R"({"validation_split": 0.9})")); }) ==
          "validation_split 0.9 of 2 images leaves no training images");
}

TEST_CASE("validation_every: a check every N steps besides each epoch's end, each ending a chunk") {
    const Dataset data = test::mnist("t10k", 100);
    Model m(test::model_of({28, 28, 1}, {test::flatten(), test::dense(10, "softmax")}));
    Rng rng(1);
    m.init_weights(rng);
    // 80 training images in batches of 10: 8 steps an epoch; checks at steps 3, 6, 8 (the end), 9, 12, ...
    Trainer t(m, data, read_fit_config(R"({"batch_size": 10, "epochs": 2, "validation_split": 0.2, "validation_every": 3})"));
    std::vector<int64_t> checks;
    while (!t.done()) {
        StepStats s = t.run(100);
        if (s.validated) checks.push_back(s.val_step);
        if (s.validated) CHECK(s.val_loss == evaluate(m, data, 20, 80, 10).loss);
    }
    CHECK(checks == std::vector<int64_t>{3, 6, 8, 9, 12, 15, 16});
}
