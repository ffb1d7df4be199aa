#include "optimizer.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "parallel.h"
#include "refuse.h"

namespace cnn {

OptimizerConfig optimizer_defaults(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    OptimizerConfig c;
    if (lower == "adam") {
        c.kind = OptimizerKind::Adam;
    } else if (lower == "adamw") {
        c.kind = OptimizerKind::AdamW, c.weight_decay = 0.004;
    } else if (lower == "sgd") {
        c.kind = OptimizerKind::SGD, c.learning_rate = Schedule::constant(0.01);
    } else if (lower == "rmsprop") {
        c.kind = OptimizerKind::RMSprop;
    } else {
        refuse("unknown optimizer '" + name + "' (expected Adam, AdamW, SGD or RMSprop)", "optimizer");
    }
    return c;
}

const char* optimizer_name(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::SGD: return "SGD";
        case OptimizerKind::Adam: return "Adam";
        case OptimizerKind::AdamW: return "AdamW";
        case OptimizerKind::RMSprop: return "RMSprop";
    }
    return "?";
}

void sgd_update(float* p, const float* g, float* velocity, int64_t n, float lr, float momentum, bool nesterov) {
    if (momentum == 0.0f) {
        for (int64_t i = 0; i < n; ++i) p[i] -= lr * g[i];
        return;
    }
    for (int64_t i = 0; i < n; ++i) {
        velocity[i] = momentum * velocity[i] - lr * g[i];
        p[i] += nesterov ? momentum * velocity[i] - lr * g[i] : velocity[i];
    }
}

void adam_update(float* p, const float* g, float* m, float* v, int64_t n, float lr, float beta_1, float beta_2,
                 float epsilon, int64_t t) {
    const double correction = std::sqrt(1.0 - std::pow(double(beta_2), double(t))) / (1.0 - std::pow(double(beta_1), double(t)));
    const float alpha = static_cast<float>(lr * correction);
    for (int64_t i = 0; i < n; ++i) {
        m[i] = beta_1 * m[i] + (1.0f - beta_1) * g[i];
        v[i] = beta_2 * v[i] + (1.0f - beta_2) * g[i] * g[i];
        p[i] -= alpha * m[i] / (std::sqrt(v[i]) + epsilon);
    }
}

void rmsprop_update(float* p, const float* g, float* ms, float* mg, float* mom, int64_t n, float lr, float rho,
                    float momentum, float epsilon) {
    for (int64_t i = 0; i < n; ++i) {
        ms[i] = rho * ms[i] + (1.0f - rho) * g[i] * g[i];
        float denominator = ms[i] + epsilon;
        if (mg) {
            mg[i] = rho * mg[i] + (1.0f - rho) * g[i];
            denominator -= mg[i] * mg[i];
        }
        const float increment = lr * g[i] / std::sqrt(denominator);
        if (mom) {
            mom[i] = momentum * mom[i] + increment;
            p[i] -= mom[i];
        } else {
            p[i] -= increment;
        }
    }
}

void weight_decay_update(float* p, int64_t n, float factor) {
    for (int64_t i = 0; i < n; ++i) p[i] -= p[i] * factor;
}

namespace {

// The slots each optimiser keeps, in the order step() hands them to its update.
int slot_count(const OptimizerConfig& c) {
    switch (c.kind) {
        case OptimizerKind::SGD: return c.momentum != 0 ? 1 : 0;                       // velocity
        case OptimizerKind::Adam: case OptimizerKind::AdamW: return 2;                     // m, v
        case OptimizerKind::RMSprop: return 3;  // mean square; mean gradient, momentum when used
    }
    return 0;
}

}  // namespace

Optimizer::Optimizer(OptimizerConfig config, int64_t params) : config_(config), n_(params) {
    state_.slots.resize(slot_count(config_));
    for (size_t i = 0; i < state_.slots.size(); ++i) {
        const bool unused = config_.kind == OptimizerKind::RMSprop &&
                            ((i == 1 && !config_.centered) || (i == 2 && config_.momentum == 0));
        if (!unused) state_.slots[i].assign(n_, 0.0f);
    }
    state_.learning_rate = config_.learning_rate.initial_learning_rate;
}

double Optimizer::learning_rate() const {
    return config_.learning_rate.kind == ScheduleKind::Constant ? state_.learning_rate
                                                                : config_.learning_rate.at(state_.iterations);
}

void Optimizer::set_learning_rate(double rate) {
    if (config_.learning_rate.kind != ScheduleKind::Constant)
        refuse(std::string("the learning rate follows a ") + schedule_name(config_.learning_rate.kind) +
               " schedule and cannot be set");
    state_.learning_rate = rate;
}

void Optimizer::step(float* params, const float* grads) {
    const auto& c = config_;
    const float lr = static_cast<float>(learning_rate());
    const float decay = lr * float(c.weight_decay), momentum = float(c.momentum), epsilon = float(c.epsilon);
    const float beta_1 = float(c.beta_1), beta_2 = float(c.beta_2), rho = float(c.rho);
    const int64_t t = ++state_.iterations;
    auto slot = [&](size_t i, int64_t begin) {
        return i < state_.slots.size() && !state_.slots[i].empty() ? state_.slots[i].data() + begin : nullptr;
    };
    // Element-wise updates: slices over the pool give the same result as one pass.
    parallel_for(n_, 4096, [&](int64_t b, int64_t e, int) {
        const int64_t n = e - b;
        float* p = params + b;
        const float* g = grads + b;
        if (decay != 0.0f) weight_decay_update(p, n, decay);
        switch (c.kind) {
            case OptimizerKind::SGD: sgd_update(p, g, slot(0, b), n, lr, momentum, c.nesterov); break;
            case OptimizerKind::Adam:
            case OptimizerKind::AdamW: adam_update(p, g, slot(0, b), slot(1, b), n, lr, beta_1, beta_2, epsilon, t); break;
            case OptimizerKind::RMSprop:
                rmsprop_update(p, g, slot(0, b), slot(1, b), slot(2, b), n, lr, rho, momentum, epsilon);
                break;
        }
    });
}

}  // namespace cnn
