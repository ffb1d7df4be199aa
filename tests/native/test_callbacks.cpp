// EarlyStopping and ReduceLROnPlateau on scripted metric sequences, against Keras 3's rules
// traced by hand epoch by epoch; and both inside a real training run.
#include <vector>

#include <doctest/doctest.h>

#include "core/callbacks.h"
#include "core/fit_config.h"
#include "core/trainer.h"
#include "helpers.h"

using namespace cnn;

namespace {

// The epoch at which EarlyStopping stops on these values (-1: never), and its best epoch.
std::pair<int, int64_t> stop_epoch(EarlyStoppingConfig c, const std::vector<double>& values) {
    EarlyStopping es(c);
    for (size_t epoch = 0; epoch < values.size(); ++epoch)
        if (es.on_epoch_end(int64_t(epoch), values[epoch]).stop) return {int(epoch), es.best_epoch()};
    return {-1, es.best_epoch()};
}

std::vector<double> rates(ReduceLROnPlateauConfig c, const std::vector<double>& values, double rate) {
    ReduceLROnPlateau r(c);
    std::vector<double> out;
    for (double v : values) out.push_back(rate = r.on_epoch_end(v, rate));
    return out;
}

}  // namespace

TEST_CASE("EarlyStopping: patience counts epochs without improvement") {
    EarlyStoppingConfig c;
    c.patience = 2;
    // e0 and e1 improve (best 0.8 at e1); e2 waits 1, e3 waits 2 = patience: stop at e3.
    CHECK(stop_epoch(c, {1.0, 0.8, 0.85, 0.82, 0.9}) == std::pair<int, int64_t>{3, 1});
    // An improvement resets the wait.
    CHECK(stop_epoch(c, {1.0, 1.1, 0.9, 1.0, 0.8, 0.85}) == std::pair<int, int64_t>{-1, 4});
    // min_delta: 0.95 is not better than 1.0 by more than 0.1.
    c.patience = 1, c.min_delta = 0.1;
    CHECK(stop_epoch(c, {1.0, 0.95, 0.5}) == std::pair<int, int64_t>{1, 0});
    c.min_delta = 0.01;
    CHECK(stop_epoch(c, {1.0, 0.95, 0.5}) == std::pair<int, int64_t>{-1, 2});
}

TEST_CASE("EarlyStopping: patience 0 stops at the first epoch that does not improve, never at epoch 0") {
    EarlyStoppingConfig c;
    c.monitor = "val_accuracy";  // 'auto' maximises an accuracy
    CHECK(stop_epoch(c, {0.9, 0.95, 0.94, 0.99}) == std::pair<int, int64_t>{2, 1});
    c.mode = MonitorMode::Min;  // told otherwise, it minimises
    CHECK(stop_epoch(c, {0.9, 0.95, 0.94}) == std::pair<int, int64_t>{1, 0});
    EarlyStopping es(c);
    EarlyStopping::Decision first = es.on_epoch_end(0, 0.5);
    CHECK(first.keep_weights);
    CHECK(!first.stop);
}

TEST_CASE("ReduceLROnPlateau: factor after patience epochs, then cooldown, never below min_lr") {
    ReduceLROnPlateauConfig c;
    c.factor = 0.5, c.patience = 2, c.cooldown = 1, c.min_lr = 0.02, c.min_delta = 0;
    // e0 sets the best; e1 waits 1; e2 waits 2: 0.05, cooldown 1; e3 ends the cooldown and waits 1;
    // e4 waits 2: 0.025; e5 waits 1; e6: 0.0125, raised to min_lr; later epochs stay at min_lr.
    CHECK(rates(c, std::vector<double>(9, 1.0), 0.1) ==
          std::vector<double>{0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02});
    // Improvements keep the rate.
    CHECK(rates(c, {1.0, 0.9, 0.95, 0.85, 0.8}, 0.1) == std::vector<double>{0.1, 0.1, 0.1, 0.1, 0.1});
    // min_delta (Keras' default 1e-4): a gain of 5e-5 is no improvement.
    c = ReduceLROnPlateauConfig{};
    c.patience = 1;
    CHECK(rates(c, {1.0, 0.99995, 0.5}, 0.1) == std::vector<double>{0.1, 0.1 * 0.1, 0.1 * 0.1});
}

TEST_CASE("callbacks are read from the config with Keras' names and refused with the field") {
    const TrainConfig c = read_fit_config(R"({"validation_split": 0.1, "callbacks": [
        {"class_name": "EarlyStopping", "config": {"monitor": "val_accuracy", "patience": 3, "min_delta": -0.01,
                                                   "restore_best_weights": true, "verbose": 1, "baseline": null}},
        {"class_name": "ReduceLROnPlateau", "config": {"factor": 0.2, "patience": 1, "cooldown": 2, "min_lr": 1e-5}}]})");
    REQUIRE(c.early_stopping);
    CHECK(c.early_stopping->monitor == "val_accuracy");
    CHECK(c.early_stopping->patience == 3);
    CHECK(c.early_stopping->min_delta == doctest::Approx(0.01));  // Keras takes its size
    CHECK(c.early_stopping->restore_best_weights);
    REQUIRE(c.reduce_lr_on_plateau);
    CHECK(c.reduce_lr_on_plateau->monitor == "val_loss");
    CHECK(c.reduce_lr_on_plateau->factor == doctest::Approx(0.2));
    CHECK(c.reduce_lr_on_plateau->cooldown == 2);

    auto error = [](const std::string& text) { return test::error_of([&] { read_fit_config(text); }); };
    CHECK(error(R"({"callbacks": [{"class_name": "EarlyStopping"}]})") ==
          "EarlyStopping: monitor 'val_loss' needs a validation_split above 0");
    CHECK(error(R"({"callbacks": [{"class_name": "EarlyStopping", "config": {"monitor": "val_acc"}}]})") ==
          "EarlyStopping: monitor must be loss, accuracy, val_loss or val_accuracy (got 'val_acc')");
    CHECK(error(R"({"callbacks": [{"class_name": "EarlyStopping", "config": {"monitor": "loss", "mode": "up"}}]})") ==
          "EarlyStopping: mode must be auto, min or max (got 'up')");
    CHECK(error(R"({"callbacks": [{"class_name": "EarlyStopping", "config": {"monitor": "loss", "baseline": 0.5}}]})") ==
          "EarlyStopping: baseline is not supported here (got 0.5)");
    CHECK(error(R"({"callbacks": [{"class_name": "ReduceLROnPlateau", "config": {"monitor": "loss", "factor": 1.0}}]})") ==
          "ReduceLROnPlateau: factor must be in [0, 1) (got 1)");
    CHECK(error(R"({"callbacks": [{"class_name": "ReduceLROnPlateau", "config": {"monitor": "loss", "patience": -1}}]})") ==
          "ReduceLROnPlateau: patience must be between 0 and 1000 (got -1)");
    CHECK(error(R"({"learning_rate": {"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10}},
        "callbacks": [{"class_name": "ReduceLROnPlateau", "config": {"monitor": "loss"}}]})") ==
          "ReduceLROnPlateau needs a constant learning rate, not a CosineDecay schedule");
    CHECK(error(R"({"callbacks": [{"class_name": "TensorBoard"}]})") ==
          "unknown callback 'TensorBoard' (expected EarlyStopping or ReduceLROnPlateau)");
    CHECK(error(R"({"callbacks": {"class_name": "EarlyStopping"}})") ==
          "the training config: callbacks must be a list (got {\"class_name\":\"EarlyStopping\"})");
}

namespace {

// A small network that trains in milliseconds.
ModelSpec small_net() {
    return test::model_of({28, 28, 1}, {test::conv(4, 3, 2, "valid", "relu"), test::flatten(), test::dense(10, "softmax")});
}

}  // namespace

TEST_CASE("in training: EarlyStopping stops and restores the best epoch's weights; ReduceLROnPlateau lowers the rate") {
    const Dataset data = test::mnist("t10k", 400);
    Model m(small_net());
    Rng rng(3);
    m.init_weights(rng);
    // SGD at a rate that overshoots, so the validation loss climbs again after a few epochs.
    TrainConfig c = read_fit_config(R"({"optimizer": "sgd", "learning_rate": 2.0, "batch_size": 20, "epochs": 30,
        "validation_split": 0.5, "callbacks": [{"class_name": "EarlyStopping",
        "config": {"patience": 2, "restore_best_weights": true}}]})");
    Trainer t(m, data, c);
    std::vector<std::vector<float>> weights;  // after each epoch
    std::vector<double> val_losses;
    StepStats s;
    while (!t.done()) {
        s = t.run(1000);
        REQUIRE(s.epoch_end);
        REQUIRE(s.validated);
        val_losses.push_back(s.val_loss);
        if (!s.done) weights.push_back(m.params());
    }
    REQUIRE(s.stopped_early);
    const size_t epochs = val_losses.size();
    CHECK(epochs < 30);
    // Stopped at the second epoch after the best (patience 2).
    const size_t best = size_t(std::min_element(val_losses.begin(), val_losses.end()) - val_losses.begin());
    CHECK(best == epochs - 3);
    CHECK(val_losses[epochs - 1] >= val_losses[best]);
    CHECK(val_losses[epochs - 2] >= val_losses[best]);
    CHECK(m.params() == weights[best]);
    CHECK(evaluate(m, data, 200, 200, 20).loss == doctest::Approx(val_losses[best]));

    // The same overshooting run with ReduceLROnPlateau instead: the rate goes down by the factor.
    Model m2(small_net());
    Rng rng2(3);
    m2.init_weights(rng2);
    c = read_fit_config(R"({"optimizer": "sgd", "learning_rate": 2.0, "batch_size": 20, "epochs": 8,
        "validation_split": 0.5, "callbacks": [{"class_name": "ReduceLROnPlateau",
        "config": {"patience": 1, "factor": 0.5}}]})");
    Trainer t2(m2, data, c);
    double rate = 2.0;
    int reductions = 0;
    while (!t2.done()) {
        s = t2.run(1000);
        if (s.learning_rate != rate) {
            CHECK(s.learning_rate == doctest::Approx(rate * 0.5));
            ++reductions;
        }
        rate = s.learning_rate;
    }
    CHECK(reductions >= 1);
    CHECK(t2.optimizer().learning_rate() == doctest::Approx(rate));
}
