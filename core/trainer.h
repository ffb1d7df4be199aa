// model.fit, step by step: shuffled mini-batches every epoch, softmax + sparse categorical
// cross-entropy, one optimiser update per batch; with the training config's validation split,
// callbacks and augmentation (fit_config.h). Steps can be run in chunks so a caller (the CLI's
// progress line, the page's worker) regains control between them.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "augment.h"
#include "callbacks.h"
#include "dataset.h"
#include "fit_config.h"
#include "loss.h"
#include "model.h"
#include "optimizer.h"
#include "rng.h"

namespace cnn {

struct StepStats {
    double loss = 0, accuracy = 0;              // mean over the steps just run
    std::vector<double> losses, accuracies;     // each step's batch loss and accuracy, in order
    double epoch_loss = 0, epoch_accuracy = 0;  // running mean over the current epoch (what Keras prints)
    int64_t step = 0, epoch = 0;                // steps done in total; epoch in progress (0-based)
    int64_t steps_per_epoch = 0, total_steps = 0;
    double images_per_sec = 0;
    double learning_rate = 0;  // what the next step uses
    // The validation the chunk ended with (a chunk ends after each one), at step val_step.
    bool validated = false;
    double val_loss = 0, val_accuracy = 0;
    int64_t val_step = 0;
    bool epoch_end = false;      // the chunk ended an epoch
    bool stopped_early = false;  // EarlyStopping ended training
    bool done = false;
};

struct Misclassified {
    int64_t index;
    int label, predicted;
    float confidence;  // the probability given to `predicted`
};

struct Evaluation {
    double loss = 0, accuracy = 0;
    int64_t offset = 0, count = 0;
    std::array<std::array<int64_t, kMaxLabel + 1>, kMaxLabel + 1> confusion{};  // [true][predicted]
    std::vector<Misclassified> misclassified;  // the first kMaxMisclassified, in index order
};
constexpr size_t kMaxMisclassified = 1000;

// Checks that a model can be trained/evaluated on a dataset (input shape, its classes).
void check_compatible(const Model& model, const Dataset& data, const char* what);

class Trainer {
public:
    // The model and data must outlive the trainer. Throws std::invalid_argument when they do not fit.
    Trainer(Model& model, const Dataset& train, TrainConfig config);

    // Runs up to `steps` batches, stopping early at the end of an epoch. A non-finite loss or
    // weights restore the last snapshot (taken every kSnapshotEvery steps) and throw std::runtime_error.
    StepStats run(int64_t steps);
    bool done() const { return step_ >= total_steps() || stopped_early_; }
    int64_t steps_per_epoch() const;
    int64_t total_steps() const { return steps_per_epoch() * config_.epochs; }
    const TrainConfig& config() const { return config_; }
    // The images trained on: the first train_count() of the set; the rest are the validation split.
    int64_t train_count() const { return train_count_; }
    const Optimizer& optimizer() const { return optimizer_; }

private:
    void start_epoch();
    void validate(StepStats& s);
    // Keras' on_epoch_end of the callbacks; at the end of training, EarlyStopping's best weights.
    void end_epoch(int64_t epoch, const StepStats& s);
    void end_training();
    // Restores the last snapshot and throws a std::runtime_error explaining what happened.
    [[noreturn]] void diverged(const char* what);

    Model& model_;
    const Dataset& train_;
    TrainConfig config_;
    int64_t train_count_;
    Optimizer optimizer_;
    Rng rng_;
    Augmenter augmenter_;
    std::optional<EarlyStopping> early_stopping_;
    std::optional<ReduceLROnPlateau> reduce_lr_;
    bool stopped_early_ = false;
    std::vector<float> best_params_, best_non_trainable_;
    std::vector<uint32_t> order_;
    int64_t step_ = 0;
    bool reshuffle_ = false;  // after a restore, the rest of the epoch gets a new order
    static constexpr int64_t kSnapshotEvery = 100;
    std::vector<float> snapshot_params_, snapshot_non_trainable_;
    Optimizer::State snapshot_state_;
    int64_t snapshot_step_ = -1;
    double epoch_loss_sum_ = 0;
    int64_t epoch_correct_ = 0, epoch_seen_ = 0;
    std::vector<float> x_, probs_, dlogits_;
    std::vector<uint8_t> y_;
};

// Loss, accuracy, confusion matrix and misclassified images of data[offset, offset + limit)
// (limit 0 = to the end), in batches; a caller can evaluate a large set in slices. The default
// batch is the training one, so evaluating mid-training needs no larger buffers.
Evaluation evaluate(Model& model, const Dataset& data, int64_t limit = 0, int64_t offset = 0, int64_t batch = 32);

// Class probabilities for one image of the model's input size (values in [0, 1]).
std::vector<float> predict(Model& model, const float* image);

}  // namespace cnn
