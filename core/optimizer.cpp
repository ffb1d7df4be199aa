#include "optimizer.h"

#include <cmath>

#include "limits.h"
#include "parallel.h"
#include "refuse.h"

namespace cnn {

OptimizerConfig optimizer_defaults(const std::string& name) {
    OptimizerConfig c;
    if (name == "adam") {
        c.kind = OptimizerKind::Adam, c.learning_rate = 0.001f;
    } else if (name == "sgd") {
        c.kind = OptimizerKind::SGD, c.learning_rate = 0.01f;
    } else if (name == "rmsprop") {
        c.kind = OptimizerKind::RMSprop, c.learning_rate = 0.001f;
    } else {
        refuse("unknown optimizer '" + name + "' (expected adam, sgd or rmsprop)");
    }
    return c;
}

const char* optimizer_name(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::SGD: return "sgd";
        case OptimizerKind::Adam: return "adam";
        case OptimizerKind::RMSprop: return "rmsprop";
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

void rmsprop_update(float* p, const float* g, float* ms, int64_t n, float lr, float rho, float epsilon) {
    for (int64_t i = 0; i < n; ++i) {
        ms[i] = rho * ms[i] + (1.0f - rho) * g[i] * g[i];
        p[i] -= lr * g[i] / std::sqrt(ms[i] + epsilon);
    }
}

void check_optimizer(const OptimizerConfig& c) {
    if (!(c.learning_rate >= float(kMinLearningRate) && c.learning_rate <= float(kMaxLearningRate)))
        refuse("the learning rate must be between " + format_number(kMinLearningRate) + " and " +
               format_number(kMaxLearningRate) + " (got " + format_number(c.learning_rate) + ")");
    if (!(c.momentum >= 0.0f && c.momentum < float(kMaxMomentum)))
        refuse("momentum must be in [0, 1) (got " + format_number(c.momentum) + ")");
}

Optimizer::Optimizer(OptimizerConfig config, int64_t params) : config_(config), n_(params) {
    check_optimizer(config_);
    bool two_slots = config_.kind == OptimizerKind::Adam;
    bool one_slot = two_slots || config_.kind == OptimizerKind::RMSprop || config_.momentum != 0.0f;
    if (one_slot) state_.slot_1.assign(n_, 0.0f);
    if (two_slots) state_.slot_2.assign(n_, 0.0f);
}

void Optimizer::step(float* params, const float* grads) {
    ++iterations_;
    state_.iterations = iterations_;
    const auto& c = config_;
    float* s1 = state_.slot_1.empty() ? nullptr : state_.slot_1.data();
    float* s2 = state_.slot_2.empty() ? nullptr : state_.slot_2.data();
    // Element-wise updates: slices over the pool give the same result as one pass.
    parallel_for(n_, 4096, [&](int64_t b, int64_t e, int) {
        const int64_t n = e - b;
        float *p = params + b, *v1 = s1 ? s1 + b : nullptr, *v2 = s2 ? s2 + b : nullptr;
        const float* g = grads + b;
        switch (c.kind) {
            case OptimizerKind::SGD: sgd_update(p, g, v1, n, c.learning_rate, c.momentum, c.nesterov); break;
            case OptimizerKind::Adam:
                adam_update(p, g, v1, v2, n, c.learning_rate, c.beta_1, c.beta_2, c.epsilon, iterations_);
                break;
            case OptimizerKind::RMSprop: rmsprop_update(p, g, v1, n, c.learning_rate, c.rho, c.epsilon); break;
        }
    });
}

}  // namespace cnn
