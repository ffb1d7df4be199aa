// Fine-tuning a trained model on a few images of the user's own (their handwriting), mixed with
// images of the data it was trained on (replay), so it learns the new ones without forgetting the
// old: a few hundred small steps of the ordinary trainer, over a set made of both, undoable.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "dataset.h"
#include "model.h"
#include "trainer.h"

namespace cnn {

struct FineTuneConfig {
    int64_t steps = 200;
    int64_t batch_size = 32;
    // On average; the rest of each batch is replay. With Adam at 3e-4 this taught the shipped
    // model 29 of 30 misread digits for 0.01 points of MNIST test accuracy (test_fine_tune.cpp);
    // 8 own per batch taught all 30 but cost 0.28 points, and 1e-4 taught only 18.
    int64_t own_per_batch = 4;
    float learning_rate = 3e-4f;
    uint64_t seed = 1;
};

// A fine-tuning is a short run: its mixed set (steps · batch size images) is kept below 160,000
// images, 125 MB of 28×28 ones.
constexpr int64_t kMaxFineTuneImages = 160000;

// Refuses settings a fine-tuning cannot run with, naming the setting.
void check_fine_tune(const FineTuneConfig& config);

// The weights of a model (trainable and not), to put back exactly.
struct WeightsSnapshot {
    std::vector<float> params, non_trainable;

    explicit WeightsSnapshot(const Model& model) : params(model.params()), non_trainable(model.non_trainable()) {}
    void restore(Model& model) const;
};

// The set a fine-tuning trains on for one epoch of config.steps batches: config.steps ·
// own_per_batch images cycled from `own`, and the rest of the batches drawn from `replay` without
// repeats (as far as it goes), in the order the trainer shuffles.
Dataset fine_tuning_set(const Dataset& own, const Dataset& replay, const FineTuneConfig& config);

class FineTuning {
public:
    // Snapshots the model's weights first. The model must outlive the fine-tuning; own and replay
    // are copied into the mixed set. Throws std::invalid_argument (naming the problem) when the
    // images do not fit the model or each other, or own is empty.
    FineTuning(Model& model, const Dataset& own, const Dataset& replay, FineTuneConfig config = {});

    // Runs up to `steps` more steps (the trainer's divergence handling included).
    StepStats run(int64_t steps);
    bool done() const { return trainer_->done(); }
    // Puts back the weights from before the fine-tuning, bit for bit.
    void undo() { before_.restore(model_); }

private:
    Model& model_;
    WeightsSnapshot before_;
    Dataset mixed_;
    std::unique_ptr<Trainer> trainer_;
};

}  // namespace cnn
