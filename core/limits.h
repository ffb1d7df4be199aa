// Every bound the engine puts on what it is asked, stated once. The model reader, the trainer,
// the optimiser, the data reader, the bindings and the CLI check these constants, and limits_json()
// reports them, so the page's controls take the same bounds.
#pragma once
#include <cstdint>
#include <string>

namespace cnn {

// Training settings.
constexpr int64_t kMinBatchSize = 1, kMaxBatchSize = 4096;
constexpr int64_t kMinEpochs = 1, kMaxEpochs = 1000;
// From rates too small to move the weights to rates that diverge (training then stops and says so).
constexpr double kMinLearningRate = 1e-6, kMaxLearningRate = 10;
constexpr double kMaxMomentum = 1;  // SGD and RMSprop momentum in [0, 1): excluded

// The rest of the training config (fit_config.h). Decay rates of moving averages (beta_1, beta_2,
// rho) in [0, 1): excluded; epsilon above zero; weight_decay a fraction of the rate per step.
constexpr double kMaxAverageDecay = 1;
constexpr double kMinEpsilon = 1e-12, kMaxEpsilon = 1;
constexpr double kMaxWeightDecay = 1;
// Schedules count optimiser steps; their rates (initial, targets, values) stay within the
// learning rate's bounds, and a decay only decays (decay_rate and alpha at most 1).
constexpr int64_t kMaxScheduleSteps = int64_t{1} << 40;
constexpr double kMaxDecayRate = 1;
constexpr int64_t kMaxCurveSteps = 1000000;  // points of a schedule's curve the engine draws
// validation_split in [0, 1): excluded; validation_every in steps (0: at epoch ends only).
constexpr double kMaxValidationSplit = 1;
constexpr int64_t kMaxValidationEvery = 1000000;
// Callbacks: patience and cooldown in epochs; ReduceLROnPlateau's factor in [0, 1): excluded.
constexpr int64_t kMaxPatience = kMaxEpochs;
constexpr double kMaxReduceFactor = 1;
// Augmentation factors (fractions of the height or width, of a full turn, of the zoom) in [-1, 1].
constexpr double kMaxAugmentFactor = 1;

// Data: one byte per label, and the engine's classifiers have one score per digit.
constexpr int kClasses = 10;
constexpr int kMaxLabel = kClasses - 1;
constexpr int kMaxImageSide = 4096;  // IDX images and model inputs, height and width

// Layers. The upper bounds keep every size the model computes well inside 64 bits (kernel height ×
// width × channels × filters < 2^60), so an absurd value is refused with its name, and a merely
// huge one by the memory limit with the bytes it needs.
constexpr int kMaxWindow = kMaxImageSide;  // kernel_size, pool_size, strides
constexpr int kMaxChannels = 65536;        // input channels, Conv2D filters
constexpr int kMaxUnits = INT32_MAX;       // Dense units: the memory limit refuses the huge ones
constexpr double kMaxDropoutRate = 1;      // Dropout rate in [0, 1): excluded
// A weight in a saved model's manifest (elements): bounds the shape arithmetic of a weights file.
constexpr int64_t kMaxWeightCount = int64_t{1} << 31;

// Memory a model may use for training at most (weights, gradients, optimizer state,
// activations); larger architectures are refused up front with the figure they would need at
// kReferenceBatch, and larger batches when training starts. The default suits a native process;
// a host with a smaller heap (the WebAssembly engine) lowers it to what it can still hold.
constexpr int64_t kDefaultMemoryLimit = int64_t{1536} << 20;
constexpr int64_t kReferenceBatch = 32;
int64_t memory_limit();
void set_memory_limit(int64_t bytes);

// The bounds above as JSON, each a [min, max] pair, with memory_limit in bytes:
//   {"batch_size": [1, 4096], "epochs": [1, 1000], "learning_rate": [1e-06, 10], ...,
//    "exclusive_max": ["dropout_rate", "momentum", ...], "memory_limit": 1610612736}
std::string limits_json();

}  // namespace cnn
