#include "limits.h"

#include <algorithm>
#include <atomic>

#include <nlohmann/json.hpp>

#include "parallel.h"

namespace cnn {
namespace {

std::atomic<int64_t> memory_limit_bytes{kDefaultMemoryLimit};

}  // namespace

int64_t memory_limit() { return memory_limit_bytes.load(); }
void set_memory_limit(int64_t bytes) { memory_limit_bytes.store(std::max<int64_t>(bytes, 0)); }

std::string limits_json() {
    using json = nlohmann::json;
    return json{{"batch_size", {kMinBatchSize, kMaxBatchSize}},
                {"epochs", {kMinEpochs, kMaxEpochs}},
                {"learning_rate", {kMinLearningRate, kMaxLearningRate}},
                {"momentum", {0, kMaxMomentum}},
                {"dropout_rate", {0, kMaxDropoutRate}},
                {"beta", {0, kMaxAverageDecay}},
                {"rho", {0, kMaxAverageDecay}},
                {"epsilon", {kMinEpsilon, kMaxEpsilon}},
                {"weight_decay", {0, kMaxWeightDecay}},
                {"schedule_steps", {1, kMaxScheduleSteps}},
                {"decay_rate", {0, kMaxDecayRate}},
                {"validation_split", {0, kMaxValidationSplit}},
                {"validation_every", {0, kMaxValidationEvery}},
                {"patience", {0, kMaxPatience}},
                {"reduce_factor", {0, kMaxReduceFactor}},
                {"augment_factor", {-kMaxAugmentFactor, kMaxAugmentFactor}},
                {"exclusive_max", {"dropout_rate", "momentum", "beta", "rho", "validation_split", "reduce_factor"}},
                {"classes", {kClasses, kClasses}},
                {"image_side", {1, kMaxImageSide}},
                {"window", {1, kMaxWindow}},
                {"filters", {1, kMaxChannels}},
                {"channels", {1, kMaxChannels}},
                {"units", {1, kMaxUnits}},
                {"threads", {1, kMaxThreads}},
                {"reference_batch", kReferenceBatch},
                {"memory_limit", memory_limit()}}
        .dump();
}

}  // namespace cnn
