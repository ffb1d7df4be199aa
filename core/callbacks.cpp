#include "callbacks.h"

#include <algorithm>
#include <limits>

#include "refuse.h"

namespace cnn {

bool is_monitor(const std::string& m) { return m == "loss" || m == "accuracy" || m == "val_loss" || m == "val_accuracy"; }

double monitored(const EpochLogs& logs, const std::string& m) {
    if (m == "loss") return logs.loss;
    if (m == "accuracy") return logs.accuracy;
    if (m == "val_loss") return logs.val_loss;
    if (m == "val_accuracy") return logs.val_accuracy;
    refuse("unknown monitor '" + m + "' (expected loss, accuracy, val_loss or val_accuracy)", "monitor");
}

namespace {

bool maximises(MonitorMode mode, const std::string& monitor) {
    if (mode != MonitorMode::Auto) return mode == MonitorMode::Max;
    return monitor.find("acc") != std::string::npos;
}

}  // namespace

EarlyStopping::EarlyStopping(EarlyStoppingConfig config)
    : config_(std::move(config)),
      maximise_(maximises(config_.mode, config_.monitor)),
      best_(maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity()) {}

// Keras: better than the best by more than min_delta.
bool EarlyStopping::improves(double value) const {
    return maximise_ ? value - config_.min_delta > best_ : value + config_.min_delta < best_;
}

// Keras 3's on_epoch_end: the wait counts this epoch before the comparison, so patience 0 stops
// at the first epoch that does not improve (never at epoch 0).
EarlyStopping::Decision EarlyStopping::on_epoch_end(int64_t epoch, double value) {
    Decision d;
    if (!kept_) {  // until an epoch improves, the first epoch's weights are the best ones
        kept_ = true;
        d.keep_weights = true;
        best_epoch_ = epoch;
    }
    ++wait_;
    if (improves(value)) {
        best_ = value;
        best_epoch_ = epoch;
        d.keep_weights = true;
        wait_ = 0;
        return d;
    }
    d.stop = wait_ >= config_.patience && epoch > 0;
    return d;
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauConfig config)
    : config_(std::move(config)),
      maximise_(maximises(config_.mode, config_.monitor)),
      best_(maximise_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity()) {}

// Keras 3's on_epoch_end, step by step.
double ReduceLROnPlateau::on_epoch_end(double value, double learning_rate) {
    if (cooldown_counter_ > 0) {
        --cooldown_counter_;
        wait_ = 0;
    }
    const bool better = maximise_ ? value > best_ + config_.min_delta : value < best_ - config_.min_delta;
    if (better) {
        best_ = value;
        wait_ = 0;
    } else if (cooldown_counter_ == 0 && ++wait_ >= config_.patience && learning_rate > config_.min_lr) {
        learning_rate = std::max(learning_rate * config_.factor, config_.min_lr);
        cooldown_counter_ = config_.cooldown;
        wait_ = 0;
    }
    return learning_rate;
}

}  // namespace cnn
