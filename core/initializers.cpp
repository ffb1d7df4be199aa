#include "initializers.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace cnn {
namespace {

struct Named {
    const char* class_name;
    Initializer::Kind kind;
    double scale;
    Initializer::Mode mode;
    Initializer::Distribution distribution;
};

// Keras' definitions (keras/initializers): Glorot = fan_avg, He = 2 / fan_in, LeCun = 1 / fan_in.
// TF.js spells LeCun "LeCunNormal"; Keras "LecunNormal": both read, the TF.js name written.
constexpr Named kNamed[] = {
    {"GlorotUniform", Initializer::VarianceScaling, 1, Initializer::FanAvg, Initializer::Uniform},
    {"GlorotNormal", Initializer::VarianceScaling, 1, Initializer::FanAvg, Initializer::Normal},
    {"HeUniform", Initializer::VarianceScaling, 2, Initializer::FanIn, Initializer::Uniform},
    {"HeNormal", Initializer::VarianceScaling, 2, Initializer::FanIn, Initializer::Normal},
    {"LeCunUniform", Initializer::VarianceScaling, 1, Initializer::FanIn, Initializer::Uniform},
    {"LeCunNormal", Initializer::VarianceScaling, 1, Initializer::FanIn, Initializer::Normal},
    {"VarianceScaling", Initializer::VarianceScaling, 1, Initializer::FanIn, Initializer::Normal},
    {"Zeros", Initializer::Zeros, 1, Initializer::FanIn, Initializer::Uniform},
    {"Ones", Initializer::Ones, 1, Initializer::FanIn, Initializer::Uniform},
    {"Constant", Initializer::Constant, 1, Initializer::FanIn, Initializer::Uniform},
    {"RandomUniform", Initializer::RandomUniform, 1, Initializer::FanIn, Initializer::Uniform},
    {"RandomNormal", Initializer::RandomNormal, 1, Initializer::FanIn, Initializer::Uniform},
    {"TruncatedNormal", Initializer::TruncatedNormal, 1, Initializer::FanIn, Initializer::Uniform},
};

// "glorot_uniform", "GlorotUniform", "LecunNormal" → "glorotuniform", "lecunnormal".
std::string folded(const std::string& name) {
    std::string s;
    for (char c : name)
        if (c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A standard normal draw (Box-Muller on two uniforms; 1 - u avoids log(0)).
double normal(Rng& rng) {
    const double u = 1.0 - rng.uniform(), v = rng.uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

// A normal draw redrawn until within two standard deviations (Keras' truncated normal).
double truncated_normal(Rng& rng) {
    for (;;)
        if (const double z = normal(rng); std::fabs(z) <= 2.0) return z;
}

}  // namespace

std::optional<Initializer> Initializer::named(const std::string& class_name) {
    std::string wanted = folded(class_name);
    if (wanted == "zero") wanted = "zeros";
    if (wanted == "one") wanted = "ones";
    for (const Named& n : kNamed) {
        if (folded(n.class_name) != wanted) continue;
        Initializer init;
        init.class_name = n.class_name, init.kind = n.kind;
        init.scale = n.scale, init.mode = n.mode, init.distribution = n.distribution;
        return init;
    }
    return std::nullopt;
}

std::string initializer_names() {
    std::string s;
    for (const Named& n : kNamed) s += std::string(s.empty() ? "" : ", ") + n.class_name;
    return s;
}

void initialize(const Initializer& init, const std::vector<int64_t>& shape, float* values, Rng& model_rng) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    Rng own_rng(init.seed.value_or(0));
    Rng& rng = init.seed ? own_rng : model_rng;
    switch (init.kind) {
        case Initializer::Zeros: std::fill_n(values, n, 0.0f); return;
        case Initializer::Ones: std::fill_n(values, n, 1.0f); return;
        case Initializer::Constant: std::fill_n(values, n, float(init.value)); return;
        case Initializer::RandomUniform:
            for (int64_t i = 0; i < n; ++i) values[i] = rng.uniform(float(init.minval), float(init.maxval));
            return;
        case Initializer::RandomNormal:
            for (int64_t i = 0; i < n; ++i) values[i] = float(init.mean + init.stddev * normal(rng));
            return;
        case Initializer::TruncatedNormal:
            for (int64_t i = 0; i < n; ++i) values[i] = float(init.mean + init.stddev * truncated_normal(rng));
            return;
        case Initializer::VarianceScaling: break;
    }
    // Keras' fans: a kernel [..., in, out] has fan_in = in · receptive field, fan_out = out · receptive field.
    const int64_t rank = static_cast<int64_t>(shape.size());
    int64_t receptive = 1;
    for (int64_t d = 0; d + 2 < rank; ++d) receptive *= shape[d];
    const int64_t fan_in = rank >= 2 ? shape[rank - 2] * receptive : (rank == 1 ? shape[0] : 1);
    const int64_t fan_out = rank >= 2 ? shape[rank - 1] * receptive : (rank == 1 ? shape[0] : 1);
    const double fan = init.mode == Initializer::FanIn    ? double(fan_in)
                       : init.mode == Initializer::FanOut ? double(fan_out)
                                                          : (fan_in + fan_out) / 2.0;
    const double variance = init.scale / std::max(1.0, fan);
    switch (init.distribution) {
        case Initializer::Uniform: {
            // √(3·scale / fan) in float, as the engine always computed it (√(6 / (fan_in + fan_out))
            // for Glorot), so a seed gives the weights it gave before.
            const float limit = std::sqrt(float(3.0 * init.scale) / float(std::max(1.0, fan)));
            for (int64_t i = 0; i < n; ++i) values[i] = rng.uniform(-limit, limit);
            return;
        }
        case Initializer::Normal: {
            // The standard deviation of a unit normal truncated at ±2 is 0.8796...: Keras divides by it.
            const double stddev = std::sqrt(variance) / 0.87962566103423978;
            for (int64_t i = 0; i < n; ++i) values[i] = float(stddev * truncated_normal(rng));
            return;
        }
        case Initializer::UntruncatedNormal: {
            const double stddev = std::sqrt(variance);
            for (int64_t i = 0; i < n; ++i) values[i] = float(stddev * normal(rng));
            return;
        }
    }
}

double Regularizer::apply(const float* w, float* dw, int64_t n) const {
    double penalty = 0;
    const float l1f = float(l1), l2f = float(l2);
    for (int64_t i = 0; i < n; ++i) {
        penalty += l1 * std::fabs(double(w[i])) + l2 * double(w[i]) * w[i];
        if (dw) dw[i] += l1f * float((w[i] > 0) - (w[i] < 0)) + 2.0f * l2f * w[i];
    }
    return penalty;
}

}  // namespace cnn
