// What Keras' model.compile(optimizer=…) and model.fit(…) are told, as one JSON object that the
// page's worker, the CLI (--fit, or its flags) and the tests all hand to read_fit_config():
//
//   {"optimizer": "adam",                      a Keras name, or {"class_name": "AdamW", "config": {…}}
//    "learning_rate": 0.001,                   or a schedule {"class_name": "CosineDecay", "config": {…}}
//    "batch_size": 32, "epochs": 1, "seed": 1,
//    "validation_split": 0.1, "validation_every": 500,
//    "callbacks": [{"class_name": "EarlyStopping", "config": {"patience": 2}}, …],
//    "augmentation": [{"class_name": "RandomRotation", "config": {"factor": 0.05}}, …]}
//
// Every field is optional (Keras' defaults: Adam at 0.001, batch 32, no validation, no callbacks,
// no augmentation). Names and defaults are Keras 3's. A field that is unknown, of the wrong type or
// outside the engine's bounds (limits.h) is refused with a message that names it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "augment.h"
#include "callbacks.h"
#include "optimizer.h"

namespace cnn {

struct TrainConfig {
    OptimizerConfig optimizer;
    int64_t batch_size = 32;
    int64_t epochs = 1;
    uint64_t seed = 1;  // shuffling, dropout and augmentation
    // The last fraction of the training images is held out before shuffling, as Keras' fit
    // does, and evaluated at each epoch's end and every validation_every steps (0: epoch ends only).
    double validation_split = 0;
    int64_t validation_every = 0;
    std::optional<EarlyStoppingConfig> early_stopping;
    std::optional<ReduceLROnPlateauConfig> reduce_lr_on_plateau;
    Augmentation augmentation;
};

// Parses and checks a training config (above). Throws std::invalid_argument naming the field.
TrainConfig read_fit_config(const std::string& json_text);

// Refuses settings outside the engine's limits (limits.h), naming the Keras field.
void check_training(const TrainConfig& config);

// The learning rate of the first `steps` optimiser steps (a schedule's curve, before training).
std::vector<float> learning_rate_curve(const TrainConfig& config, int64_t steps);

}  // namespace cnn
