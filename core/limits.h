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
constexpr double kMaxMomentum = 1;  // SGD momentum in [0, 1): excluded

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
//    "exclusive_max": ["dropout_rate", "momentum"], "memory_limit": 1610612736}
std::string limits_json();

}  // namespace cnn
