#include "trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

#include "parallel.h"
#include "refuse.h"

namespace cnn {

void check_compatible(const Model& model, const Dataset& data, const char* what) {
    const Shape& in = model.input_shape();
    if (in.h != data.rows || in.w != data.cols || in.c != 1)
        refuse(std::string("the ") + what + " images are " + std::to_string(data.rows) + "x" +
               std::to_string(data.cols) + " but the model '" + model.name() + "' expects " + in.str() + " inputs");
    if (const std::string problem = output_problem(model.output_shape(), model.ends_with_softmax(), kClasses);
        !problem.empty())
        refuse(problem);
}

namespace {

// Keras' fit: the training arrays up to floor(count · (1 − validation_split)), before shuffling.
int64_t split_at(int64_t count, double validation_split) {
    return static_cast<int64_t>(std::floor(double(count) * (1.0 - validation_split)));
}

}  // namespace

Trainer::Trainer(Model& model, const Dataset& train, TrainConfig config)
    : model_(model),
      train_(train),
      config_(config),
      train_count_(split_at(train.count, config.validation_split)),
      optimizer_(config.optimizer, model.param_count()),
      rng_(config.seed),
      augmenter_(config.augmentation, config.seed) {
    check_compatible(model, train, "training");
    check_training(config_);
    if (config_.validation_split > 0 && (train_count_ == 0 || train_count_ == train.count))
        refuse("validation_split " + format_number(config_.validation_split) + " of " + std::to_string(train.count) +
                   " images leaves " + (train_count_ == 0 ? "no training images" : "no validation images"),
               "validation_split");
    if (config_.early_stopping) early_stopping_.emplace(*config_.early_stopping);
    if (config_.reduce_lr_on_plateau) reduce_lr_.emplace(*config_.reduce_lr_on_plateau);
    if (const double bytes = model.training_bytes(config_.batch_size); bytes > double(memory_limit()))
        refuse("training '" + model.name() + "' at batch size " + std::to_string(config_.batch_size) +
               " would need about " + format_bytes(bytes) + "; the limit is " + format_bytes(double(memory_limit())) +
               ": use a smaller batch");
    const int64_t in = model.input_shape().size(), classes = model.output_shape().c;
    x_.resize(config_.batch_size * in);
    y_.resize(config_.batch_size);
    probs_.resize(config_.batch_size * classes);
    dlogits_.resize(config_.batch_size * classes);
    order_.resize(train_count_);
}

int64_t Trainer::steps_per_epoch() const { return (train_count_ + config_.batch_size - 1) / config_.batch_size; }

// Keras shuffles the whole training set at the start of each epoch (Fisher-Yates here).
void Trainer::start_epoch() {
    reshuffle_ = false;
    std::iota(order_.begin(), order_.end(), 0u);
    for (int64_t i = train_count_ - 1; i > 0; --i) std::swap(order_[i], order_[rng_.below(static_cast<uint32_t>(i + 1))]);
    epoch_loss_sum_ = 0, epoch_correct_ = 0, epoch_seen_ = 0;
}

namespace {

bool all_finite(const std::vector<float>& v) {
    // A float is ±inf or NaN when its exponent bits are all ones: the largest exponent field of
    // each slice, an integer max that vectorises (a float sum would run one add at a time).
    constexpr uint32_t kExponent = 0x7f800000u;
    std::array<uint32_t, kMaxThreads> top{};
    parallel_for(static_cast<int64_t>(v.size()), 4096, [&](int64_t b, int64_t e, int slice) {
        uint32_t m = 0;
        for (int64_t i = b; i < e; ++i) {
            uint32_t bits;
            std::memcpy(&bits, &v[i], sizeof bits);
            m = std::max(m, bits & kExponent);
        }
        top[slice] = m;
    });
    for (uint32_t m : top)
        if (m == kExponent) return false;
    return true;
}

}  // namespace

void Trainer::diverged(const char* what) {
    const int64_t failed_step = step_ + 1;
    model_.params() = snapshot_params_;
    model_.non_trainable() = snapshot_non_trainable_;
    optimizer_.restore(snapshot_state_);
    // Training can go on from the snapshot's step, with a fresh shuffle of the data.
    step_ = snapshot_step_;
    reshuffle_ = true;
    throw std::runtime_error(std::string(what) + " at step " + std::to_string(failed_step) +
                             "; training stopped and the weights were restored to step " + std::to_string(step_) +
                             ". Try a lower learning rate (now " + format_number(optimizer_.learning_rate()) + ")");
}

StepStats Trainer::run(int64_t steps) {
    const auto start = std::chrono::steady_clock::now();
    const int64_t per_epoch = steps_per_epoch(), classes = model_.output_shape().c;
    double loss_sum = 0;
    int64_t correct = 0, seen = 0, ran = 0;
    StepStats s;
    bool validate_now = false;
    for (; ran < steps && !done(); ++ran) {
        // The weights to fall back on if training diverges: refreshed every kSnapshotEvery steps,
        // not every call, since copying the weights and optimiser slots costs a few steps' worth.
        if (step_ % kSnapshotEvery == 0 && step_ != snapshot_step_) {
            snapshot_params_ = model_.params();
            snapshot_non_trainable_ = model_.non_trainable();
            snapshot_state_ = optimizer_.state();
            snapshot_step_ = step_;
        }
        const int64_t in_epoch = step_ % per_epoch;
        if (in_epoch == 0 && ran > 0) break;  // a chunk never spans two epochs
        if (in_epoch == 0 || reshuffle_) start_epoch();
        const int64_t first = in_epoch * config_.batch_size;
        const int64_t n = std::min<int64_t>(config_.batch_size, train_count_ - first);
        train_.gather(order_.data() + first, n, x_.data(), y_.data());
        const Shape& in = model_.input_shape();
        augmenter_.apply(x_.data(), n, in.h, in.w, in.c);

        model_.forward(x_.data(), n, true, &rng_);
        int64_t batch_correct = 0;
        double batch_loss = softmax_cross_entropy(probs_.data(), dlogits_.data(), model_.logits(), y_.data(), n, classes,
                                                  &batch_correct);
        if (!std::isfinite(batch_loss)) diverged(std::isnan(batch_loss) ? "the loss became NaN" : "the loss became infinite");
        model_.zero_grads();
        model_.backward(dlogits_.data(), n);
        batch_loss += double(n) * model_.regularization(true);  // Keras reports the penalty in the loss
        optimizer_.step(model_.params().data(), model_.grads().data());
        if (!all_finite(model_.params())) diverged("the weights overflowed");
        ++step_;

        loss_sum += batch_loss, correct += batch_correct, seen += n;
        s.losses.push_back(batch_loss / double(n));
        s.accuracies.push_back(double(batch_correct) / double(n));
        epoch_loss_sum_ += batch_loss, epoch_correct_ += batch_correct, epoch_seen_ += n;

        // Keras validates at each epoch's end; validation_every adds checks between them. The chunk
        // ends after each, so every validation reaches the caller.
        s.epoch_end = step_ % per_epoch == 0;
        validate_now = train_count_ < train_.count &&
                       (s.epoch_end || (config_.validation_every > 0 && step_ % config_.validation_every == 0));
        if (validate_now) {
            ++ran;
            break;
        }
    }
    // Throughput counts the training steps only.
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (validate_now) validate(s);
    if (seen) s.loss = loss_sum / seen, s.accuracy = double(correct) / seen;
    if (epoch_seen_) s.epoch_loss = epoch_loss_sum_ / epoch_seen_, s.epoch_accuracy = double(epoch_correct_) / epoch_seen_;
    s.step = step_;
    s.epoch = std::min<int64_t>((step_ - (ran > 0 ? 1 : 0)) / per_epoch, config_.epochs - 1);
    s.steps_per_epoch = per_epoch;
    s.total_steps = total_steps();
    s.images_per_sec = seconds > 0 ? seen / seconds : 0;
    if (s.epoch_end && ran > 0) end_epoch(s.epoch, s);
    s.learning_rate = optimizer_.learning_rate();
    s.stopped_early = stopped_early_;
    s.done = done();
    return s;
}

void Trainer::validate(StepStats& s) {
    const Evaluation e = evaluate(model_, train_, train_.count - train_count_, train_count_, config_.batch_size);
    s.validated = true;
    s.val_loss = e.loss, s.val_accuracy = e.accuracy, s.val_step = step_;
}

void Trainer::end_epoch(int64_t epoch, const StepStats& s) {
    EpochLogs logs;
    logs.loss = s.epoch_loss, logs.accuracy = s.epoch_accuracy;
    logs.has_validation = s.validated;
    logs.val_loss = s.val_loss, logs.val_accuracy = s.val_accuracy;
    if (early_stopping_) {
        const EarlyStopping::Decision d = early_stopping_->on_epoch_end(epoch, monitored(logs, early_stopping_->config().monitor));
        if (d.keep_weights && early_stopping_->config().restore_best_weights)
            best_params_ = model_.params(), best_non_trainable_ = model_.non_trainable();
        stopped_early_ = d.stop;
    }
    if (reduce_lr_) {
        const double rate = optimizer_.learning_rate();
        const double reduced = reduce_lr_->on_epoch_end(monitored(logs, reduce_lr_->config().monitor), rate);
        if (reduced != rate) optimizer_.set_learning_rate(reduced);
    }
    if (done()) end_training();
}

// Keras 3 restores EarlyStopping's best weights when training ends, stopped early or not.
void Trainer::end_training() {
    if (best_params_.empty()) return;
    model_.params() = best_params_;
    model_.non_trainable() = best_non_trainable_;
}

Evaluation evaluate(Model& model, const Dataset& data, int64_t limit, int64_t offset, int64_t batch) {
    check_compatible(model, data, "test");
    if (offset < 0 || offset >= data.count || limit < 0)
        refuse("evaluate: images from " + std::to_string(offset) + " are outside the " + std::to_string(data.count) +
               " test images");
    Evaluation e;
    e.offset = offset;
    e.count = limit > 0 ? std::min(limit, data.count - offset) : data.count - offset;
    const int64_t in = model.input_shape().size(), classes = model.output_shape().c;
    std::vector<float> x(batch * in), probs(batch * classes);
    std::vector<uint8_t> y(batch);
    std::vector<uint32_t> indices(batch);
    double loss = 0;
    int64_t correct = 0;
    for (int64_t first = offset; first < offset + e.count; first += batch) {
        const int64_t n = std::min(batch, offset + e.count - first);
        std::iota(indices.begin(), indices.begin() + n, static_cast<uint32_t>(first));
        data.gather(indices.data(), n, x.data(), y.data());
        model.forward(x.data(), n, false);
        loss += softmax_cross_entropy(probs.data(), nullptr, model.logits(), y.data(), n, classes, &correct);
        for (int64_t b = 0; b < n; ++b) {
            const float* p = probs.data() + b * classes;
            const int predicted = static_cast<int>(std::max_element(p, p + kMaxLabel + 1) - p);
            ++e.confusion[y[b]][predicted];
            if (predicted != y[b] && e.misclassified.size() < kMaxMisclassified)
                e.misclassified.push_back({first + b, y[b], predicted, p[predicted]});
        }
    }
    e.loss = loss / e.count + model.regularization(false);
    e.accuracy = double(correct) / e.count;
    return e;
}

std::vector<float> predict(Model& model, const float* image) {
    const float* out = model.forward(image, 1, false);
    return std::vector<float>(out, out + model.output_shape().c);
}

}  // namespace cnn
