// Optimisers with Keras' update rules and defaults, applied to the whole parameter block.
// Each update is a plain kernel over (params, grads, slots); the Optimizer object only keeps
// the slots and the iteration count.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cnn {

enum class OptimizerKind { SGD, Adam, RMSprop };

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Adam;
    float learning_rate = 0.001f;
    float momentum = 0.0f;  // SGD
    bool nesterov = false;  // SGD
    float beta_1 = 0.9f, beta_2 = 0.999f;  // Adam
    float rho = 0.9f;                       // RMSprop
    float epsilon = 1e-7f;                  // Adam, RMSprop
};

// Keras defaults for a named optimiser ("sgd": lr 0.01; "adam", "rmsprop": lr 0.001).
// Throws std::invalid_argument for an unknown name.
OptimizerConfig optimizer_defaults(const std::string& name);
const char* optimizer_name(OptimizerKind kind);
// Refuses a learning rate or momentum outside the engine's limits (limits.h).
void check_optimizer(const OptimizerConfig& config);

// SGD: v = momentum·v - lr·g; p += v (nesterov: p += momentum·v - lr·g). Without momentum p -= lr·g.
void sgd_update(float* p, const float* g, float* velocity, int64_t n, float lr, float momentum, bool nesterov);
// Adam (step t ≥ 1): m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
// p -= lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε)  — Keras' form, with ε outside the correction.
void adam_update(float* p, const float* g, float* m, float* v, int64_t n, float lr, float beta_1, float beta_2,
                 float epsilon, int64_t t);
// RMSprop: ms = ρ·ms + (1-ρ)·g²; p -= lr · g / √(ms + ε)  (Keras and TF.js put ε inside the root).
void rmsprop_update(float* p, const float* g, float* ms, int64_t n, float lr, float rho, float epsilon);

class Optimizer {
public:
    Optimizer(OptimizerConfig config, int64_t params);
    void step(float* params, const float* grads);
    const OptimizerConfig& config() const { return config_; }
    int64_t iterations() const { return iterations_; }

    // Slots and iteration count, so a failed step can be undone.
    struct State {
        std::vector<float> slot_1, slot_2;
        int64_t iterations = 0;
    };
    const State& state() const { return state_; }
    void restore(const State& s) { state_ = s; iterations_ = s.iterations; }

private:
    OptimizerConfig config_;
    int64_t n_;
    int64_t iterations_ = 0;
    State state_;
};

}  // namespace cnn
