// Optimisers with Keras 3's update rules and defaults, applied to the whole parameter block.
// Each update is a plain kernel over (params, grads, slots); the Optimizer object only keeps
// the slots, the iteration count and the learning rate's schedule.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "schedule.h"

namespace cnn {

enum class OptimizerKind { SGD, Adam, AdamW, RMSprop };

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::Adam;
    Schedule learning_rate = Schedule::constant(0.001);
    // As given (the messages quote them so); the updates take them as float.
    double momentum = 0;                   // SGD, RMSprop
    bool nesterov = false;                 // SGD
    double beta_1 = 0.9, beta_2 = 0.999;   // Adam, AdamW
    double rho = 0.9;                      // RMSprop
    bool centered = false;                 // RMSprop
    double epsilon = 1e-7;                 // Adam, AdamW, RMSprop
    // Decoupled weight decay, as Keras 3 applies it to every optimiser that is given one (AdamW's
    // default is 0.004): before each update, p -= p · weight_decay · lr.
    double weight_decay = 0;
};

// Keras defaults for an optimiser named by its class ("SGD": lr 0.01; "Adam", "AdamW", "RMSprop":
// lr 0.001) or by Keras' lower-case string ("sgd", "adamw"). Throws std::invalid_argument
// for an unknown name.
OptimizerConfig optimizer_defaults(const std::string& name);
const char* optimizer_name(OptimizerKind kind);  // the Keras class name: "Adam"

// SGD: v = momentum·v - lr·g; p += v (nesterov: p += momentum·v - lr·g). Without momentum p -= lr·g.
void sgd_update(float* p, const float* g, float* velocity, int64_t n, float lr, float momentum, bool nesterov);
// Adam (step t ≥ 1): m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
// p -= lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε)  — Keras' form, with ε outside the correction.
void adam_update(float* p, const float* g, float* m, float* v, int64_t n, float lr, float beta_1, float beta_2,
                 float epsilon, int64_t t);
// RMSprop: ms = ρ·ms + (1-ρ)·g²; centered: mg = ρ·mg + (1-ρ)·g and ms − mg² replaces ms;
// step = lr · g / √(ms + ε)  (Keras and TF.js put ε inside the root);
// with momentum: mom = momentum·mom + step, p -= mom; else p -= step.
void rmsprop_update(float* p, const float* g, float* ms, float* mg, float* mom, int64_t n, float lr, float rho,
                    float momentum, float epsilon);
// Decoupled weight decay: p -= p · factor (factor = weight_decay · lr).
void weight_decay_update(float* p, int64_t n, float factor);

class Optimizer {
public:
    Optimizer(OptimizerConfig config, int64_t params);
    void step(float* params, const float* grads);
    const OptimizerConfig& config() const { return config_; }
    int64_t iterations() const { return state_.iterations; }
    // The rate the next step uses: the schedule's at iterations(), or the one set last.
    double learning_rate() const;
    // Replaces a constant learning rate (ReduceLROnPlateau does so between epochs).
    void set_learning_rate(double rate);

    // Slots, iteration count and rate, so a failed step can be undone.
    struct State {
        std::vector<std::vector<float>> slots;
        int64_t iterations = 0;
        double learning_rate = 0;  // a constant rate as set_learning_rate left it
    };
    const State& state() const { return state_; }
    void restore(const State& s) { state_ = s; }

private:
    OptimizerConfig config_;
    int64_t n_;
    State state_;
};

}  // namespace cnn
