#include "model_io.h"

#include <cmath>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "keras.h"
#include "refuse.h"

namespace cnn {
namespace {

using json = nlohmann::json;

json parse_json(const std::string& text, const char* what) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
        refuse(std::string(what) + " is not valid JSON: " + e.what());
    }
}

// Runs fn; a JSON type error that no explicit check caught still becomes a refusal with a message.
template <class Fn>
auto refusing_json_errors(const char* what, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const json::exception& e) {
        refuse(std::string(what) + " has a value of an unexpected type (" + e.what() + ")");
    }
}

// The name of the one layer feeding a functional-model layer, in the Keras 2 / TF.js form
// [[["input_1", 0, 0, {}]]] or the Keras 3 form [{"args": [{"config": {"keras_history": [...]}}]}].
std::string inbound_name(const json& layer, const std::string& who) {
    if (!layer.contains("inbound_nodes")) return "";
    const json& nodes = layer["inbound_nodes"];
    if (!nodes.is_array()) refuse("layer '" + who + "': inbound_nodes must be a list, not " + brief(nodes));
    if (nodes.empty()) return "";
    if (nodes.size() > 1) refuse("layer '" + who + "' is called more than once; only a chain of layers is supported");
    const json& node = nodes[0];
    std::vector<std::string> names;
    if (node.is_array()) {
        for (const auto& t : node)
            if (t.is_array() && !t.empty() && t[0].is_string()) names.push_back(t[0].get<std::string>());
    } else if (node.is_object() && node.contains("args")) {
        for (const auto& a : node["args"]) {
            if (!a.is_object() || !a.contains("config") || !a["config"].is_object()) continue;
            const json& cfg = a["config"];
            if (cfg.contains("keras_history") && cfg["keras_history"].is_array() && !cfg["keras_history"].empty() &&
                cfg["keras_history"][0].is_string())
                names.push_back(cfg["keras_history"][0].get<std::string>());
        }
    }
    if (names.size() != 1)
        refuse("layer '" + who + "' has " + std::to_string(names.size()) +
               " inputs; only a chain of layers is supported");
    return names[0];
}

// Orders a functional model's layers as the chain from its input to its output. Points into
// `layers` (no copies: a copy of a deeply nested value would recurse as deep).
std::vector<const json*> chain_of(const json& layers) {
    std::map<std::string, const json*> by_name;
    std::map<std::string, std::string> next;  // producer → consumer
    std::string first;
    for (const auto& l : layers) {
        if (!l.is_object()) refuse("each layer must be an object with a \"class_name\", not " + brief(l));
        std::string name;
        if (l.contains("name") && l["name"].is_string()) name = l["name"].get<std::string>();
        else if (l.contains("config") && l["config"].is_object() && l["config"].contains("name") && l["config"]["name"].is_string())
            name = l["config"]["name"].get<std::string>();
        std::string from = inbound_name(l, name);
        by_name[name] = &l;
        if (from.empty()) {
            if (!first.empty())
                refuse("the model has several inputs ('" + first + "', '" + name + "'); only one is supported");
            first = name;
        } else if (!next.emplace(from, name).second) {
            refuse("layer '" + from + "' feeds several layers; only a chain of layers is supported");
        }
    }
    std::vector<const json*> ordered;
    for (std::string at = first; !at.empty();) {
        ordered.push_back(by_name[at]);
        auto it = next.find(at);
        at = it == next.end() ? "" : it->second;
        if (ordered.size() > layers.size()) refuse("the layer graph has a cycle");
    }
    if (ordered.size() != layers.size()) refuse("some layers are not connected to the model's input");
    return ordered;
}

// The description's layer list (a Sequential list, or a functional model's chain from its input)
// into spec; a problem of the whole description is refused.
void read_description(const std::string& json_text, ModelSpec& spec) {
    const json parsed = parse_json(json_text, "the model description");
    // References and pointers into `parsed` only: copying a deeply nested value would recurse.
    const json* top = &parsed;
    if (top->is_object() && top->contains("modelTopology")) top = &(*top)["modelTopology"];
    if (top->is_object() && top->contains("model_config")) top = &(*top)["model_config"];
    const json& root = *top;
    const json* list = nullptr;
    bool functional = false;
    if (root.is_array()) {
        list = &root;
    } else if (root.is_object()) {
        std::string cls = "Sequential";
        if (root.contains("class_name")) cls = root["class_name"].is_string() ? root["class_name"].get<std::string>() : brief(root["class_name"]);
        if (cls != "Sequential" && cls != "Model" && cls != "Functional")
            refuse("unknown model class '" + cls.substr(0, 80) + "' (expected Sequential, Functional or Model)");
        functional = cls != "Sequential";
        const json& cfg = root.contains("config") ? root["config"] : root;
        if (cfg.is_array()) list = &cfg;  // old Keras Sequential: config is the layer list
        else if (cfg.is_object() && cfg.contains("layers") && cfg["layers"].is_array()) list = &cfg["layers"];
        else refuse("the model config has no \"layers\" list");
        if (cfg.is_object() && cfg.contains("name") && cfg["name"].is_string()) spec.name = cfg["name"].get<std::string>();
    } else {
        refuse("the model description must be a JSON object or a list of layers");
    }
    std::vector<const json*> layers;
    if (functional) layers = chain_of(*list);
    else
        for (const auto& layer : *list) layers.push_back(&layer);
    for (const json* layer : layers) {
        LayerSpec s;
        if (read_layer(*layer, s, spec.input)) spec.layers.push_back(std::move(s));
    }
}

json topology(const Model& model) {
    json layers = json::array();
    for (size_t i = 0; i < model.layers().size(); ++i)
        layers.push_back(layer_config(*model.layers()[i], i == 0 ? &model.input_shape() : nullptr));
    return {{"class_name", "Sequential"},
            {"config", {{"name", model.name()}, {"layers", layers}}},
            {"keras_version", "tfjs-layers 4.22.0"},
            {"backend", "tensor_flow.js"}};
}

std::string shape_str(const std::vector<int64_t>& s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "]";
}

// Floats are stored little-endian; wasm and x86 are little-endian, so this is a plain copy.
static_assert(sizeof(float) == 4, "float32 weights");

std::vector<std::string> weight_shard_paths_unchecked(const std::string& model_json) {
    json root = parse_json(model_json, "model.json");
    std::vector<std::string> paths;
    if (!root.is_object() || !root.contains("weightsManifest") || !root["weightsManifest"].is_array())
        refuse("model.json has no weightsManifest list");
    for (const auto& group : root["weightsManifest"]) {
        if (!group.is_object()) refuse("model.json: each weightsManifest entry must be an object, not " + brief(group));
        if (!group.contains("paths")) continue;
        if (!group["paths"].is_array())
            refuse("model.json: weightsManifest paths must be a list, not " + brief(group["paths"]));
        for (const auto& p : group["paths"]) {
            if (!p.is_string()) refuse("model.json: a weightsManifest path is not a string");
            paths.push_back(p.get<std::string>());
        }
    }
    return paths;
}

Model load_model_unchecked(const std::string& model_json, const std::vector<uint8_t>& weights,
                           const AnalysisOptions& options) {
    json root = parse_json(model_json, "model.json");
    if (!root.is_object() || !root.contains("modelTopology"))
        refuse("model.json has no modelTopology: is it a TF.js Layers model?");
    // Judged first, without allocating: a bad topology is reported before the manifest.
    ModelSpec spec = read_model_config(model_json);
    if (Analysis a = analyse(spec, options); !a.valid()) refuse(a.refusal);
    if (!root.contains("weightsManifest") || !root["weightsManifest"].is_array())
        refuse("model.json has no weightsManifest list");

    // The manifest lists weights back to back across all groups' shards.
    struct Stored {
        std::string name;
        std::vector<int64_t> shape;
        int64_t byte_offset, count;
    };
    std::vector<Stored> stored;
    int64_t offset = 0;
    for (const auto& group : root["weightsManifest"]) {
        if (!group.is_object()) refuse("model.json: each weightsManifest entry must be an object, not " + brief(group));
        if (!group.contains("weights")) continue;
        if (!group["weights"].is_array())
            refuse("model.json: weightsManifest weights must be a list, not " + brief(group["weights"]));
        for (const auto& w : group["weights"]) {
            if (!w.is_object()) refuse("model.json: each weightsManifest weight must be an object, not " + brief(w));
            Stored s{"", {}, offset, 1};
            if (w.contains("name")) s.name = w["name"].is_string() ? w["name"].get<std::string>() : brief(w["name"]);
            static const json float32 = "float32", no_shape = json::array();
            const json& dtype = w.contains("dtype") ? w["dtype"] : float32;
            if (dtype != "float32")
                refuse("weight '" + s.name + "' has dtype " + brief(dtype) + "; only float32 is supported");
            if (w.contains("quantization"))
                refuse("weight '" + s.name + "' is quantized; only float32 weights are supported");
            const json& shape = w.contains("shape") ? w["shape"] : no_shape;
            if (!shape.is_array()) refuse("weight '" + s.name + "' has a bad shape " + brief(shape));
            for (const auto& d : shape) {
                if (!d.is_number_integer() || d.get<int64_t>() < 0) refuse("weight '" + s.name + "' has a bad shape");
                const int64_t size = d.get<int64_t>();
                if (size > kMaxWeightCount || (size > 0 && s.count > kMaxWeightCount / size))
                    refuse("weight '" + s.name + "' is impossibly large");
                s.shape.push_back(size);
                s.count *= size;
            }
            offset += 4 * s.count;
            stored.push_back(s);
        }
    }
    if (offset != static_cast<int64_t>(weights.size()))
        refuse("the weights file has " + std::to_string(weights.size()) +
               " bytes but model.json's weightsManifest describes " + std::to_string(offset));
    // Only now, with the sizes known to agree, are the weights allocated.
    Model model(std::move(spec), options);

    std::map<std::string, const Stored*> by_name;
    for (const auto& s : stored) {
        std::string n = s.name;
        if (n.size() > 2 && n.compare(n.size() - 2, 2, ":0") == 0) n.resize(n.size() - 2);
        by_name[n] = &s;
    }
    const std::vector<ModelWeight>& expected = model.weights();
    bool by_order = true;
    for (const auto& e : expected) by_order = by_order && !by_name.count(e.name);
    if (by_order && stored.size() != expected.size())
        refuse("model.json stores " + std::to_string(stored.size()) + " weights but the model has " +
               std::to_string(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
        const ModelWeight& e = expected[i];
        const Stored* s = by_order ? &stored[i] : (by_name.count(e.name) ? by_name[e.name] : nullptr);
        if (!s) refuse("model.json has no weight named '" + e.name + "'");
        if (s->shape != e.spec.shape)
            refuse("weight '" + s->name + "' has shape " + shape_str(s->shape) + " but layer needs " +
                   shape_str(e.spec.shape));
        float* dst = model.data(e);
        std::memcpy(dst, weights.data() + s->byte_offset, 4 * s->count);
        for (int64_t k = 0; k < s->count; ++k)
            if (!std::isfinite(dst[k]))
                refuse("weight '" + s->name + "' holds a non-finite value (" + std::to_string(dst[k]) + ") at index " +
                       std::to_string(k));
    }
    return model;
}

}  // namespace

ModelSpec read_model_config(const std::string& json_text) {
    ModelSpec spec;
    try {
        read_description(json_text, spec);
    } catch (const std::invalid_argument& e) {
        spec.error = e.what();
    } catch (const json::exception& e) {  // a type no explicit check expected
        spec.error = std::string("the model description has a value of an unexpected type (") + e.what() + ")";
    }
    return spec;
}

std::string model_topology_json(const Model& model) { return topology(model).dump(); }

SavedModel save_model(const Model& model, const std::string& metadata_json) {
    SavedModel saved;
    json manifest_weights = json::array();
    for (const ModelWeight& w : model.weights()) {
        manifest_weights.push_back({{"name", w.name}, {"shape", w.spec.shape}, {"dtype", "float32"}});
        const auto* bytes = reinterpret_cast<const uint8_t*>(model.data(w));
        saved.weights.insert(saved.weights.end(), bytes, bytes + 4 * w.spec.count());
    }
    json root = {{"format", "layers-model"},
                 {"generatedBy", "cnn-playground"},
                 {"convertedBy", nullptr},
                 {"modelTopology", topology(model)},
                 {"weightsManifest", {{{"paths", {kWeightsFileName}}, {"weights", manifest_weights}}}}};
    if (!metadata_json.empty()) root["userDefinedMetadata"] = parse_json(metadata_json, "the model metadata");
    saved.model_json = root.dump();
    return saved;
}

std::vector<std::string> weight_shard_paths(const std::string& model_json) {
    return refusing_json_errors("model.json", [&] { return weight_shard_paths_unchecked(model_json); });
}

Model load_model(const std::string& model_json, const std::vector<uint8_t>& weights, const AnalysisOptions& options) {
    return refusing_json_errors("model.json", [&] { return load_model_unchecked(model_json, weights, options); });
}

}  // namespace cnn
