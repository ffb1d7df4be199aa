#include "fine_tune.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>

#include "refuse.h"

namespace cnn {

void check_fine_tune(const FineTuneConfig& c) {
    if (c.steps < 1) refuse("fine-tuning needs at least 1 step (got " + std::to_string(c.steps) + ")");
    if (c.batch_size < kMinBatchSize || c.steps * c.batch_size > kMaxFineTuneImages)
        refuse("fine-tuning goes through at most " + std::to_string(kMaxFineTuneImages) + " images (steps " +
               std::to_string(c.steps) + " x batch size " + std::to_string(c.batch_size) + ")");
    if (c.own_per_batch < 1 || c.own_per_batch > c.batch_size)
        refuse("own_per_batch must be between 1 and the batch size " + std::to_string(c.batch_size) + " (got " +
               std::to_string(c.own_per_batch) + ")");
}

void WeightsSnapshot::restore(Model& model) const {
    model.params() = params;
    model.non_trainable() = non_trainable;
}

Dataset fine_tuning_set(const Dataset& own, const Dataset& replay, const FineTuneConfig& config) {
    check_fine_tune(config);
    if (own.count == 0) refuse("fine-tuning needs at least one image of your own");
    if (replay.count == 0) refuse("fine-tuning needs the training set to replay: load it first");
    if (own.rows != replay.rows || own.cols != replay.cols)
        refuse("your images are " + std::to_string(own.rows) + "x" + std::to_string(own.cols) +
               " but the training set's are " + std::to_string(replay.rows) + "x" + std::to_string(replay.cols));
    for (int64_t i = 0; i < own.count; ++i)
        if (own.labels[i] > kMaxLabel)
            refuse("your image " + std::to_string(i) + " has label " + std::to_string(own.labels[i]) +
                   ", outside 0-" + std::to_string(kMaxLabel));
    const int64_t own_count = config.steps * config.own_per_batch;
    const int64_t replay_count = config.steps * (config.batch_size - config.own_per_batch);
    const int64_t size = own.image_size();

    Dataset d;
    d.rows = own.rows, d.cols = own.cols;
    d.count = own_count + replay_count;
    d.images.resize(d.count * size);
    d.labels.resize(d.count);
    auto copy = [&](int64_t to, const Dataset& from, int64_t index) {
        std::memcpy(d.images.data() + to * size, from.images.data() + index * size, size);
        d.labels[to] = from.labels[index];
    };
    for (int64_t i = 0; i < own_count; ++i) copy(i, own, i % own.count);
    // A fresh shuffle of the replay set's indices, dealt out in turn (reshuffled when it runs out).
    Rng rng(config.seed);
    std::vector<uint32_t> order(replay.count);
    for (int64_t i = 0; i < replay_count; ++i) {
        const int64_t k = i % replay.count;
        if (k == 0) {
            std::iota(order.begin(), order.end(), 0u);
            for (int64_t j = replay.count - 1; j > 0; --j) std::swap(order[j], order[rng.below(uint32_t(j + 1))]);
        }
        copy(own_count + i, replay, order[k]);
    }
    return d;
}

FineTuning::FineTuning(Model& model, const Dataset& own, const Dataset& replay, FineTuneConfig config)
    : model_(model), before_(model), mixed_(fine_tuning_set(own, replay, config)) {
    TrainConfig train;
    train.optimizer.learning_rate = Schedule::constant(config.learning_rate);
    train.batch_size = config.batch_size;
    train.epochs = 1;
    train.seed = config.seed;
    trainer_ = std::make_unique<Trainer>(model_, mixed_, train);
}

StepStats FineTuning::run(int64_t steps) { return trainer_->run(steps); }

}  // namespace cnn
