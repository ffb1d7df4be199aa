// The Keras callbacks fit() takes here, with Keras 3's rules: each sees the metric it monitors
// at the end of every epoch and says what the trainer should do. They hold no weights and no
// optimiser, so a scripted sequence of metrics tests them.
#pragma once
#include <cstdint>
#include <string>

namespace cnn {

// 'auto' means 'max' for an accuracy and 'min' for a loss, as Keras decides by the name.
enum class MonitorMode { Auto, Min, Max };

// The metrics an epoch ends with: the training means and, with a validation split, val_*.
struct EpochLogs {
    double loss = 0, accuracy = 0;
    bool has_validation = false;
    double val_loss = 0, val_accuracy = 0;
};

// The value of a monitor ("loss", "accuracy", "val_loss", "val_accuracy"); throws for another name.
double monitored(const EpochLogs& logs, const std::string& monitor);
bool is_monitor(const std::string& monitor);

struct EarlyStoppingConfig {
    std::string monitor = "val_loss";
    double min_delta = 0;  // a change smaller than this is no improvement
    int64_t patience = 0;  // epochs without improvement before stopping
    MonitorMode mode = MonitorMode::Auto;
    bool restore_best_weights = false;  // at the end of training, go back to the best epoch's weights
};

class EarlyStopping {
public:
    explicit EarlyStopping(EarlyStoppingConfig config);
    struct Decision {
        bool keep_weights = false;  // the weights of this epoch are the ones to restore at the end
        bool stop = false;
    };
    Decision on_epoch_end(int64_t epoch, double value);
    const EarlyStoppingConfig& config() const { return config_; }
    int64_t best_epoch() const { return best_epoch_; }

private:
    bool improves(double value) const;
    EarlyStoppingConfig config_;
    bool maximise_;
    double best_;
    int64_t wait_ = 0, best_epoch_ = 0;
    bool kept_ = false;
};

struct ReduceLROnPlateauConfig {
    std::string monitor = "val_loss";
    double factor = 0.1;    // new rate = rate · factor
    int64_t patience = 10;  // epochs without improvement before reducing
    MonitorMode mode = MonitorMode::Auto;
    double min_delta = 1e-4;
    int64_t cooldown = 0;  // epochs to wait after a reduction before counting again
    double min_lr = 0;
};

class ReduceLROnPlateau {
public:
    explicit ReduceLROnPlateau(ReduceLROnPlateauConfig config);
    // The learning rate for the next epoch, given this epoch's metric and the current rate.
    double on_epoch_end(double value, double learning_rate);
    const ReduceLROnPlateauConfig& config() const { return config_; }

private:
    ReduceLROnPlateauConfig config_;
    bool maximise_;
    double best_;
    int64_t wait_ = 0, cooldown_counter_ = 0;
};

}  // namespace cnn
