// Learning-rate schedules with Keras' formulas (keras.optimizers.schedules). The optimiser asks
// for the rate of each update at its iteration count before the update (0 for the first step),
// as Keras' optimizers do.
#pragma once
#include <cstdint>
#include <vector>

namespace cnn {

enum class ScheduleKind { Constant, ExponentialDecay, CosineDecay, PiecewiseConstantDecay };

struct Schedule {
    ScheduleKind kind = ScheduleKind::Constant;
    double initial_learning_rate = 0.001;  // the rate itself when Constant
    // ExponentialDecay: initial · decay_rate^(step / decay_steps), the exponent floored when staircase.
    int64_t decay_steps = 1;
    double decay_rate = 1;
    bool staircase = false;
    // CosineDecay: over decay_steps (after warmup_steps), from the initial rate (or warmup_target
    // when given) down to alpha × that rate: rate · ((1 − alpha) · ½(1 + cos(π · done)) + alpha).
    // With a warmup_target, the rate first climbs linearly from the initial rate to it over
    // warmup_steps.
    double alpha = 0;
    bool has_warmup_target = false;
    double warmup_target = 0;
    int64_t warmup_steps = 0;
    // PiecewiseConstantDecay: values[i] while step ≤ boundaries[i], the last value after them.
    std::vector<int64_t> boundaries;
    std::vector<double> values;

    static Schedule constant(double rate) {
        Schedule s;
        s.initial_learning_rate = rate;
        return s;
    }
    // The learning rate at an optimiser iteration (0-based).
    double at(int64_t step) const;
};

const char* schedule_name(ScheduleKind kind);

}  // namespace cnn
