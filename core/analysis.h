// The engine's judgement of a network: what a model description says (ModelSpec), and whether the
// engine can build and train it (analyse). Model's constructor, the model loader, `cnn summary`
// and the WebAssembly bindings all ask analyse(), so every refusal is worded once, here and in the
// layer kinds. The analysis never allocates the weights: a Dense(10^9) is judged in microseconds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layer.h"
#include "limits.h"

namespace cnn {

// One layer as a description gives it.
struct LayerSpec {
    std::string class_name;    // as written
    std::string name;          // as written; "" gets Keras' default when the model is judged
    LayerPtr layer;            // the kind's layer read from the config; null when it could not be
    std::string error, field;  // why the config could not be read, and the config key to blame
};

// A model description: a Keras/TF.js config as read by read_model_config() (model_io.h).
struct ModelSpec {
    std::string name = "sequential";
    std::optional<Shape> input;  // when the description states it
    std::vector<LayerSpec> layers;
    std::string error;  // what makes the whole description unreadable (bad JSON, a branching graph)
};

// The tutorial's Basic_CNN: Conv32-Conv32-MaxPool-Dropout.25-Conv64-Conv64-MaxPool-Dropout.25-
// Flatten-Dense512-Dropout.5-Dense10-softmax, with Keras' default layer names.
ModelSpec basic_cnn_spec();

constexpr int kAnyOutput = 0;

struct AnalysisOptions {
    int64_t memory_limit = -1;         // bytes; -1: memory_limit() at the time of the analysis
    int classes = kClasses;            // scores the last layer must give (through a softmax); kAnyOutput: no check
    std::optional<Shape> input_shape;  // the data's images: a description stating another input is refused

    // A network of any output: a library model (the trainer checks it against the data).
    static AnalysisOptions any_output() {
        AnalysisOptions o;
        o.classes = kAnyOutput;
        return o;
    }
};

struct LayerAnalysis {
    std::string name, class_name;
    std::optional<Shape> output;  // none after the first error (the layer refused for memory has one)
    int64_t params = 0, trainable_params = 0;
    std::string error, field;  // one sentence naming the problem; the config key to blame
};

struct Analysis {
    std::string name;
    Shape input{28, 28, 1, 3};
    std::vector<LayerAnalysis> layers;
    int64_t total_params = 0, trainable_params = 0;
    double training_bytes = 0;  // estimate at kReferenceBatch (layers analysed so far, when refused)
    int64_t memory_limit = 0;
    // "" when the engine can build the model; else the first problem, naming its layer:
    // "conv2d_3 (Conv2D): a 5x5 'valid' window does not fit ...", or the description's own problem.
    std::string error;
    // The same problem as an exception carries it: "Conv2D 'conv2d_3': a 5x5 'valid' window ...",
    // "Dense 'dense' (None, 50000) brings the model to ...".
    std::string refusal;

    bool valid() const { return error.empty(); }
    // The Keras-style summary table (shapes and counts of what could be analysed).
    std::string summary() const;
    // {"name", "input_shape", "layers": [{"name", "class_name", "output_shape", "params",
    // "trainable_params", "error", "field"}], "total_params", "trainable_params",
    // "non_trainable_params", "training_bytes", "memory_limit", "valid", "error", "summary"}
    std::string to_json() const;
};

// Judges a description: reads what the layers' configs say (each on its own, so one bad layer does
// not hide another), gives unnamed layers Keras' default names, infers every shape and weight
// until the first error, and checks the memory training needs and the classes. Never throws.
Analysis analyse(const std::string& config_json, const AnalysisOptions& options = {});
// The same on a description already read; connects its layers (shapes, geometry) in place.
Analysis analyse(ModelSpec& spec, const AnalysisOptions& options = {});
// analyse() for the JSON interfaces: options as JSON ({"memory_limit", "classes", "input_shape"}),
// the analysis as JSON; a bad options text is reported in the analysis, never thrown.
std::string analyse_json(const std::string& config_json, const std::string& options_json);

// About how much memory training takes: weights, their gradients and two optimiser slots, the
// non-trainable weights, and every activation and its gradient for a batch.
double bytes_for_training(int64_t trainable, int64_t non_trainable, int64_t activations_per_sample, int64_t batch);

// "" when a network giving `output` (ending with a softmax or not) suits data of `classes`
// classes, else the sentence that says why not.
std::string output_problem(const Shape& output, bool ends_with_softmax, int classes);

}  // namespace cnn
