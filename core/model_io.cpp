#include "model_io.h"

#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace cnn {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument(why); }

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

json parse_json(const std::string& text, const char* what) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        bad(std::string(what) + " is not valid JSON: " + e.what());
    }
}

// Keras accepts an int or a pair for kernel_size, strides and pool_size.
void read_pair(const json& cfg, const char* key, const std::string& layer, int& a, int& b) {
    if (!cfg.contains(key) || cfg[key].is_null()) return;
    const json& v = cfg[key];
    if (v.is_number_integer()) {
        a = b = v.get<int>();
    } else if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) {
        a = v[0].get<int>(), b = v[1].get<int>();
    } else if (v.is_array() && v.size() == 1 && v[0].is_number_integer()) {
        a = b = v[0].get<int>();
    } else {
        bad("layer '" + layer + "': " + key + " must be an integer or a pair of integers, not " + v.dump());
    }
}

Activation parse_activation(const json& v, const std::string& layer) {
    if (v.is_null()) return Activation::Linear;
    std::string name = v.is_string() ? lower(v.get<std::string>()) : v.dump();
    if (v.is_object() && v.contains("class_name")) name = lower(v["class_name"].get<std::string>());
    if (name == "linear" || name == "none" || name.empty()) return Activation::Linear;
    if (name == "relu") return Activation::Relu;
    if (name == "sigmoid") return Activation::Sigmoid;
    if (name == "tanh") return Activation::Tanh;
    if (name == "softmax") return Activation::Softmax;
    bad("layer '" + layer + "': unknown activation '" + name + "' (expected relu, softmax, sigmoid, tanh or linear)");
}

int read_int(const json& cfg, const char* key, const std::string& layer) {
    if (!cfg.contains(key)) bad("layer '" + layer + "' has no '" + key + "'");
    const json& v = cfg[key];
    if (!v.is_number_integer()) bad("layer '" + layer + "': " + key + " must be an integer, not " + v.dump());
    return v.get<int>();
}

bool read_input_shape(const json& cfg, Shape& shape) {
    for (const char* key : {"batch_input_shape", "batch_shape", "input_shape"}) {
        if (!cfg.contains(key) || !cfg[key].is_array()) continue;
        json dims = cfg[key];
        if (std::string(key) != "input_shape") dims.erase(dims.begin());  // drop the batch dimension
        std::vector<int> d;
        for (const auto& x : dims) {
            if (!x.is_number_integer()) bad(std::string(key) + " " + cfg[key].dump() + " must give every dimension except the batch");
            d.push_back(x.get<int>());
        }
        if (d.size() == 3) shape = {d[0], d[1], d[2], 3};
        else if (d.size() == 2) shape = {d[0], d[1], 1, 3};
        else bad(std::string(key) + " " + cfg[key].dump() + " must be (height, width, channels)");
        return true;
    }
    return false;
}

// One layer config → a LayerSpec. Returns false for an InputLayer (which only sets the shape).
bool parse_layer(const json& layer, LayerSpec& s, Shape& input, bool& input_seen) {
    if (!layer.is_object() || !layer.contains("class_name") || !layer["class_name"].is_string())
        bad("each layer must be an object with a \"class_name\", not " + layer.dump().substr(0, 80));
    const std::string cls = layer["class_name"].get<std::string>();
    const json cfg = layer.value("config", json::object());
    s = LayerSpec{};
    if (cfg.contains("name") && cfg["name"].is_string()) s.name = cfg["name"].get<std::string>();
    else if (layer.contains("name") && layer["name"].is_string()) s.name = layer["name"].get<std::string>();
    const std::string who = s.name.empty() ? cls : s.name;
    if (read_input_shape(cfg, input)) input_seen = true;
    if (cfg.contains("data_format") && cfg["data_format"].is_string() && cfg["data_format"] != "channels_last")
        bad("layer '" + who + "': only data_format 'channels_last' is supported");
    auto padding = [&] {
        std::string p = lower(cfg.value("padding", std::string("valid")));
        if (p == "valid") return Padding::Valid;
        if (p == "same") return Padding::Same;
        bad("layer '" + who + "': padding must be 'valid' or 'same', not '" + p + "'");
    };
    if (cls == "InputLayer") return false;
    if (cls == "Conv2D") {
        s.kind = LayerKind::Conv2D;
        s.filters = read_int(cfg, "filters", who);
        if (!cfg.contains("kernel_size")) bad("layer '" + who + "' has no 'kernel_size'");
        read_pair(cfg, "kernel_size", who, s.kernel_h, s.kernel_w);
        read_pair(cfg, "strides", who, s.stride_h, s.stride_w);
        int dh = 1, dw = 1;
        read_pair(cfg, "dilation_rate", who, dh, dw);
        if (dh != 1 || dw != 1) bad("layer '" + who + "': dilation_rate other than 1 is not supported");
        s.padding = padding();
        s.activation = parse_activation(cfg.value("activation", json("linear")), who);
        s.use_bias = cfg.value("use_bias", true);
    } else if (cls == "MaxPooling2D" || cls == "MaxPool2D") {
        s.kind = LayerKind::MaxPool2D;
        s.kernel_h = s.kernel_w = 2;
        read_pair(cfg, "pool_size", who, s.kernel_h, s.kernel_w);
        s.stride_h = s.kernel_h, s.stride_w = s.kernel_w;  // strides=None means the window
        read_pair(cfg, "strides", who, s.stride_h, s.stride_w);
        s.padding = padding();
    } else if (cls == "Dropout") {
        s.kind = LayerKind::Dropout;
        if (!cfg.contains("rate") || !cfg["rate"].is_number()) bad("layer '" + who + "': Dropout needs a numeric 'rate'");
        s.rate = cfg["rate"].get<float>();
    } else if (cls == "Flatten") {
        s.kind = LayerKind::Flatten;
    } else if (cls == "Dense") {
        s.kind = LayerKind::Dense;
        s.units = read_int(cfg, "units", who);
        s.activation = parse_activation(cfg.value("activation", json("linear")), who);
        s.use_bias = cfg.value("use_bias", true);
    } else if (cls == "Activation" || cls == "ReLU" || cls == "Softmax") {
        s.kind = LayerKind::Activation;
        s.activation = cls == "ReLU"      ? Activation::Relu
                       : cls == "Softmax" ? Activation::Softmax
                                          : parse_activation(cfg.value("activation", json(nullptr)), who);
    } else {
        bad("layer '" + who + "': unknown layer class '" + cls +
            "' (supported: InputLayer, Conv2D, MaxPooling2D, Dropout, Flatten, Dense, Activation)");
    }
    return true;
}

// The name of the one layer feeding a functional-model layer, in the Keras 2 / TF.js form
// [[["input_1", 0, 0, {}]]] or the Keras 3 form [{"args": [{"config": {"keras_history": [...]}}]}].
std::string inbound_name(const json& layer, const std::string& who) {
    const json nodes = layer.value("inbound_nodes", json::array());
    if (nodes.empty()) return "";
    if (nodes.size() > 1) bad("layer '" + who + "' is called more than once; only a chain of layers is supported");
    const json& node = nodes[0];
    std::vector<std::string> names;
    if (node.is_array()) {
        for (const auto& t : node)
            if (t.is_array() && !t.empty() && t[0].is_string()) names.push_back(t[0].get<std::string>());
    } else if (node.is_object() && node.contains("args")) {
        for (const auto& a : node["args"]) {
            const json& hist = a.value("config", json::object()).value("keras_history", json::array());
            if (!hist.empty() && hist[0].is_string()) names.push_back(hist[0].get<std::string>());
        }
    }
    if (names.size() != 1)
        bad("layer '" + who + "' has " + std::to_string(names.size()) + " inputs; only a chain of layers is supported");
    return names[0];
}

// Orders a functional model's layers as the chain from its input to its output.
json chain_of(const json& layers) {
    std::map<std::string, json> by_name;
    std::map<std::string, std::string> next;  // producer → consumer
    std::string first;
    for (const auto& l : layers) {
        std::string name = l.value("name", l.value("config", json::object()).value("name", std::string()));
        std::string from = inbound_name(l, name);
        by_name[name] = l;
        if (from.empty()) {
            if (!first.empty()) bad("the model has several inputs ('" + first + "', '" + name + "'); only one is supported");
            first = name;
        } else if (!next.emplace(from, name).second) {
            bad("layer '" + from + "' feeds several layers; only a chain of layers is supported");
        }
    }
    json ordered = json::array();
    for (std::string at = first; !at.empty();) {
        ordered.push_back(by_name[at]);
        auto it = next.find(at);
        at = it == next.end() ? "" : it->second;
        if (ordered.size() > layers.size()) bad("the layer graph has a cycle");
    }
    if (ordered.size() != layers.size()) bad("some layers are not connected to the model's input");
    return ordered;
}

}  // namespace

ModelSpec parse_model_config(const std::string& json_text) {
    json root = parse_json(json_text, "the model description");
    if (root.is_object() && root.contains("modelTopology")) root = root["modelTopology"];
    if (root.is_object() && root.contains("model_config")) root = root["model_config"];
    ModelSpec spec;
    json layers;
    bool functional = false;
    if (root.is_array()) {
        layers = root;
    } else if (root.is_object()) {
        std::string cls = root.value("class_name", std::string("Sequential"));
        if (cls != "Sequential" && cls != "Model" && cls != "Functional")
            bad("unknown model class '" + cls + "' (expected Sequential, Functional or Model)");
        functional = cls != "Sequential";
        const json& cfg = root.contains("config") ? root["config"] : root;
        if (cfg.is_array()) layers = cfg;  // old Keras Sequential: config is the layer list
        else if (cfg.is_object() && cfg.contains("layers") && cfg["layers"].is_array()) layers = cfg["layers"];
        else bad("the model config has no \"layers\" list");
        if (cfg.is_object() && cfg.contains("name") && cfg["name"].is_string()) spec.name = cfg["name"].get<std::string>();
    } else {
        bad("the model description must be a JSON object or a list of layers");
    }
    if (functional) layers = chain_of(layers);
    bool input_seen = false;
    for (const auto& layer : layers) {
        LayerSpec s;
        if (parse_layer(layer, s, spec.input, input_seen)) spec.layers.push_back(s);
    }
    if (spec.layers.empty()) bad("the model has no layers");
    return spec;
}

namespace {

json layer_config_json(const Layer& l, bool first, const Shape& input) {
    const LayerSpec& s = l.spec;
    json c = {{"name", s.name}, {"trainable", true}, {"dtype", "float32"}};
    if (first) c["batch_input_shape"] = {nullptr, input.h, input.w, input.c};
    auto pad = s.padding == Padding::Same ? "same" : "valid";
    json glorot = {{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}};
    json zeros = {{"class_name", "Zeros"}, {"config", json::object()}};
    switch (s.kind) {
        case LayerKind::Conv2D:
            c["filters"] = s.filters, c["kernel_size"] = {s.kernel_h, s.kernel_w}, c["strides"] = {s.stride_h, s.stride_w};
            c["padding"] = pad, c["data_format"] = "channels_last", c["dilation_rate"] = {1, 1};
            c["activation"] = activation_name(s.activation), c["use_bias"] = s.use_bias;
            c["kernel_initializer"] = glorot, c["bias_initializer"] = zeros;
            break;
        case LayerKind::MaxPool2D:
            c["pool_size"] = {s.kernel_h, s.kernel_w}, c["strides"] = {s.stride_h, s.stride_w};
            c["padding"] = pad, c["data_format"] = "channels_last";
            break;
        case LayerKind::Dropout: c["rate"] = s.rate; break;
        case LayerKind::Flatten: c["data_format"] = "channels_last"; break;
        case LayerKind::Dense:
            c["units"] = s.units, c["activation"] = activation_name(s.activation), c["use_bias"] = s.use_bias;
            c["kernel_initializer"] = glorot, c["bias_initializer"] = zeros;
            break;
        case LayerKind::Activation: c["activation"] = activation_name(s.activation); break;
    }
    return {{"class_name", class_name(s.kind)}, {"config", c}};
}

json topology(const Model& model) {
    json layers = json::array();
    for (size_t i = 0; i < model.layers().size(); ++i)
        layers.push_back(layer_config_json(model.layers()[i], i == 0, model.input_shape()));
    return {{"class_name", "Sequential"},
            {"config", {{"name", model.name()}, {"layers", layers}}},
            {"keras_version", "tfjs-layers 4.22.0"},
            {"backend", "tensor_flow.js"}};
}

struct WeightEntry {
    std::string name;
    std::vector<int64_t> shape;
    int64_t offset, count;  // in the parameter block
};

// The model's weights in Keras order: each layer's kernel, then its bias.
std::vector<WeightEntry> weight_entries(const Model& model) {
    std::vector<WeightEntry> out;
    for (const auto& l : model.layers()) {
        if (l.kernel_count == 0) continue;
        std::vector<int64_t> kshape = l.spec.kind == LayerKind::Conv2D
                                          ? std::vector<int64_t>{l.spec.kernel_h, l.spec.kernel_w, l.in.c, l.spec.filters}
                                          : std::vector<int64_t>{l.in.c, l.spec.units};
        out.push_back({l.spec.name + "/kernel", kshape, l.kernel_offset, l.kernel_count});
        if (l.bias_count) out.push_back({l.spec.name + "/bias", {l.bias_count}, l.bias_offset, l.bias_count});
    }
    return out;
}

std::string shape_str(const std::vector<int64_t>& s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "]";
}

// Floats are stored little-endian; wasm and x86 are little-endian, so this is a plain copy.
static_assert(sizeof(float) == 4, "float32 weights");

}  // namespace

std::string model_topology_json(const Model& model) { return topology(model).dump(); }

SavedModel save_model(const Model& model, const std::string& metadata_json) {
    SavedModel saved;
    json manifest_weights = json::array();
    for (const auto& w : weight_entries(model)) {
        manifest_weights.push_back({{"name", w.name}, {"shape", w.shape}, {"dtype", "float32"}});
        const auto* bytes = reinterpret_cast<const uint8_t*>(model.params().data() + w.offset);
        saved.weights.insert(saved.weights.end(), bytes, bytes + 4 * w.count);
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
    json root = parse_json(model_json, "model.json");
    std::vector<std::string> paths;
    if (!root.is_object() || !root.contains("weightsManifest") || !root["weightsManifest"].is_array())
        bad("model.json has no weightsManifest list");
    for (const auto& group : root["weightsManifest"])
        for (const auto& p : group.value("paths", json::array())) {
            if (!p.is_string()) bad("model.json: a weightsManifest path is not a string");
            paths.push_back(p.get<std::string>());
        }
    return paths;
}

Model load_model(const std::string& model_json, const std::vector<uint8_t>& weights) {
    json root = parse_json(model_json, "model.json");
    if (!root.is_object() || !root.contains("modelTopology"))
        bad("model.json has no modelTopology: is it a TF.js Layers model?");
    Model model(parse_model_config(model_json));
    if (!root.contains("weightsManifest") || !root["weightsManifest"].is_array())
        bad("model.json has no weightsManifest list");

    // The manifest lists weights back to back across all groups' shards.
    struct Stored {
        std::string name;
        std::vector<int64_t> shape;
        int64_t byte_offset, count;
    };
    std::vector<Stored> stored;
    int64_t offset = 0;
    for (const auto& group : root["weightsManifest"])
        for (const auto& w : group.value("weights", json::array())) {
            Stored s{w.value("name", std::string()), {}, offset, 1};
            std::string dtype = w.value("dtype", std::string("float32"));
            if (dtype != "float32") bad("weight '" + s.name + "' has dtype " + dtype + "; only float32 is supported");
            if (w.contains("quantization")) bad("weight '" + s.name + "' is quantized; only float32 weights are supported");
            for (const auto& d : w.value("shape", json::array())) {
                if (!d.is_number_integer() || d.get<int64_t>() < 0) bad("weight '" + s.name + "' has a bad shape");
                s.shape.push_back(d.get<int64_t>());
                s.count *= s.shape.back();
                if (s.count > (int64_t{1} << 31)) bad("weight '" + s.name + "' is impossibly large");
            }
            offset += 4 * s.count;
            stored.push_back(s);
        }
    if (offset != static_cast<int64_t>(weights.size()))
        bad("the weights file has " + std::to_string(weights.size()) + " bytes but model.json's weightsManifest describes " +
            std::to_string(offset));

    std::map<std::string, const Stored*> by_name;
    for (const auto& s : stored) {
        std::string n = s.name;
        if (n.size() > 2 && n.compare(n.size() - 2, 2, ":0") == 0) n.resize(n.size() - 2);
        by_name[n] = &s;
    }
    const auto expected = weight_entries(model);
    bool by_order = true;
    for (const auto& e : expected) by_order = by_order && !by_name.count(e.name);
    if (by_order && stored.size() != expected.size())
        bad("model.json stores " + std::to_string(stored.size()) + " weights but the model has " + std::to_string(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
        const auto& e = expected[i];
        const Stored* s = by_order ? &stored[i] : (by_name.count(e.name) ? by_name[e.name] : nullptr);
        if (!s) bad("model.json has no weight named '" + e.name + "'");
        if (s->shape != e.shape)
            bad("weight '" + s->name + "' has shape " + shape_str(s->shape) + " but layer needs " + shape_str(e.shape));
        float* dst = model.params().data() + e.offset;
        std::memcpy(dst, weights.data() + s->byte_offset, 4 * e.count);
        for (int64_t k = 0; k < e.count; ++k)
            if (!std::isfinite(dst[k])) bad("weight '" + s->name + "' holds a non-finite value (" + std::to_string(dst[k]) + ") at index " + std::to_string(k));
    }
    return model;
}

}  // namespace cnn
