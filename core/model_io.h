// Models as Keras describes them: the layer config JSON (Sequential, or a functional chain such
// as the tutorial's Input → … → Activation('softmax')), and saved models in the TF.js Layers
// format: model.json (topology + weightsManifest) and little-endian float32 weights, named like
// Keras ("conv2d/kernel", "conv2d/bias"), so they load with tf.loadLayersModel and back.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model.h"

namespace cnn {

// Reads a model description: a TF.js model.json (uses its modelTopology), a Keras model config
// ({"class_name": "Sequential" | "Functional" | "Model", "config": {...}}), its "config" part, or a
// bare list of layer configs. Never throws: what cannot be read (bad JSON, a branching graph, an
// unknown layer class or activation, a bad field) is described in the spec for analyse() to report,
// and Model's constructor refuses it.
ModelSpec read_model_config(const std::string& json_text);

// The Keras Sequential config of a model (what tf.loadLayersModel reads as modelTopology), with
// the model's and the layers' names.
std::string model_topology_json(const Model& model);

struct SavedModel {
    std::string model_json;         // TF.js Layers model.json
    std::vector<uint8_t> weights;   // the one weights shard it names
};
constexpr const char* kWeightsFileName = "weights.bin";

// metadata_json (optional, a JSON object) is stored as model.json's userDefinedMetadata,
// e.g. the test accuracy the model reached.
SavedModel save_model(const Model& model, const std::string& metadata_json = "");

// Builds the model in model_json (judged with `options`) and fills its weights from the shards
// named in its weightsManifest, concatenated in manifest order. Weights are matched to layers by
// name ("<layer>/kernel", "<layer>/bias"), or by order when the names do not match any layer.
// Refuses shapes or sizes that do not match the topology and non-finite values.
Model load_model(const std::string& model_json, const std::vector<uint8_t>& weights,
                 const AnalysisOptions& options = AnalysisOptions::any_output());

// The shard file names of a model.json's weightsManifest, in order.
std::vector<std::string> weight_shard_paths(const std::string& model_json);

}  // namespace cnn
