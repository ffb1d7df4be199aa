// How a weight starts (Keras initializers) and what it adds to the loss (Keras regularizers), as a
// layer's config names them: {"class_name": "HeNormal", "config": {"seed": 7}}, {"class_name":
// "L1L2", "config": {"l1": 0, "l2": 0.01}}.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rng.h"

namespace cnn {

// Keras' initializers. The named variance-scaling ones (Glorot, He, LeCun) are VarianceScaling
// with their own scale, mode and distribution; they keep their class name for the config.
struct Initializer {
    enum Kind { Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling };
    enum Mode { FanIn, FanOut, FanAvg };
    enum Distribution { Uniform, Normal, UntruncatedNormal };  // Normal: truncated at 2 σ

    std::string class_name = "GlorotUniform";
    Kind kind = VarianceScaling;
    double value = 0;                          // Constant
    double minval = -0.05, maxval = 0.05;      // RandomUniform
    double mean = 0, stddev = 0.05;            // RandomNormal, TruncatedNormal
    double scale = 1;                          // VarianceScaling
    Mode mode = FanAvg;
    Distribution distribution = Uniform;
    std::optional<uint64_t> seed;              // given: the weight's values depend on it alone

    // Keras' initializer of that class name ("glorot_uniform", "HeNormal", ...) with its defaults;
    // nullopt for a name it does not know.
    static std::optional<Initializer> named(const std::string& class_name);
    static Initializer zeros() { return *named("Zeros"); }
    static Initializer ones() { return *named("Ones"); }
};

// The class names Initializer::named knows, for messages.
std::string initializer_names();

// values [shape] drawn as `init` says; fans as Keras computes them for a kernel [..., in, out].
// The generator is the model's, unless the initializer has a seed of its own.
void initialize(const Initializer& init, const std::vector<int64_t>& shape, float* values, Rng& rng);

// Keras' L1 / L2 / L1L2 regularizers: penalty = l1·Σ|w| + l2·Σw², added to the loss.
struct Regularizer {
    double l1 = 0, l2 = 0;

    bool active() const { return l1 != 0 || l2 != 0; }
    // Returns the penalty of w [n] and adds its gradient to dw [n] (when not null).
    double apply(const float* w, float* dw, int64_t n) const;
};

}  // namespace cnn
