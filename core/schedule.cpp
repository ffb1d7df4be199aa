#include "schedule.h"

#include <algorithm>
#include <cmath>

namespace cnn {

namespace {

constexpr double kPi = 3.14159265358979323846;

// CosineDecay's decaying part: from `from` at step 0 to alpha · from at decay_steps.
double cosine(double step, int64_t decay_steps, double from, double alpha) {
    const double cosine_decayed = 0.5 * (1.0 + std::cos(kPi * step / double(decay_steps)));
    return from * ((1.0 - alpha) * cosine_decayed + alpha);
}

}  // namespace

double Schedule::at(int64_t step) const {
    switch (kind) {
        case ScheduleKind::Constant: return initial_learning_rate;
        case ScheduleKind::ExponentialDecay: {
            double p = double(step) / double(decay_steps);
            if (staircase) p = std::floor(p);
            return initial_learning_rate * std::pow(decay_rate, p);
        }
        case ScheduleKind::CosineDecay: {
            if (!has_warmup_target) return cosine(double(std::min(step, decay_steps)), decay_steps, initial_learning_rate, alpha);
            const int64_t s = std::min(step, decay_steps + warmup_steps);
            if (s < warmup_steps)
                return initial_learning_rate + (warmup_target - initial_learning_rate) * double(s) / double(warmup_steps);
            return cosine(double(s - warmup_steps), decay_steps, warmup_target, alpha);
        }
        case ScheduleKind::PiecewiseConstantDecay: {
            // The first boundary the step has not passed (step ≤ boundary) picks the value.
            const size_t i = size_t(std::lower_bound(boundaries.begin(), boundaries.end(), step) - boundaries.begin());
            return values[i];
        }
    }
    return initial_learning_rate;
}

const char* schedule_name(ScheduleKind kind) {
    switch (kind) {
        case ScheduleKind::Constant: return "constant";
        case ScheduleKind::ExponentialDecay: return "ExponentialDecay";
        case ScheduleKind::CosineDecay: return "CosineDecay";
        case ScheduleKind::PiecewiseConstantDecay: return "PiecewiseConstantDecay";
    }
    return "?";
}

}  // namespace cnn
