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

// A JSON value for a message: numbers, strings and the like as written (cut at 80 characters);
// lists and objects only by kind, since printing a deeply nested one could exhaust the stack.
std::string brief(const json& v) {
    if (v.is_array()) return "a list of " + std::to_string(v.size());
    if (v.is_object()) return "an object";
    std::string text = v.dump();
    return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

json parse_json(const std::string& text, const char* what) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
        bad(std::string(what) + " is not valid JSON: " + e.what());
    }
}

// Runs fn; a JSON type error that no explicit check caught still becomes a refusal with a message.
template <class Fn>
auto refusing_json_errors(const char* what, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const json::exception& e) {
        bad(std::string(what) + " has a value of an unexpected type (" + e.what() + ")");
    }
}

// Upper bounds on what a description may ask for. They keep every size the model computes well
// inside 64 bits (kernel height × width × channels × filters < 2^60), so an absurd value is refused
// here with its name, and a merely huge one by the model's memory limit with the bytes it needs.
constexpr int kMaxWindow = 4096;     // input height/width, kernel_size, pool_size, strides
constexpr int kMaxChannels = 65536;  // input channels, Conv2D filters
constexpr int64_t kMaxWeightCount = int64_t{1} << 31;

const json kLinear = "linear", kNull = nullptr;

// An integer JSON value that fits in an int and is at most `max`; anything else is refused.
int checked_int(const json& v, int max, const std::string& what) {
    const bool fits = v.is_number_unsigned()  ? v.get<uint64_t>() <= uint64_t(max)
                      : v.is_number_integer() ? v.get<int64_t>() >= INT32_MIN && v.get<int64_t>() <= max
                                              : false;
    if (!v.is_number_integer()) bad(what + " must be an integer, not " + brief(v));
    if (!fits) bad(what + " " + brief(v) + " is too large (at most " + std::to_string(max) + ")");
    return static_cast<int>(v.get<int64_t>());
}

// Keras accepts an int or a pair for kernel_size, strides and pool_size.
void read_pair(const json& cfg, const char* key, const std::string& layer, int& a, int& b) {
    if (!cfg.contains(key) || cfg[key].is_null()) return;
    const json& v = cfg[key];
    const std::string what = "layer '" + layer + "': " + key;
    if (v.is_number_integer()) {
        a = b = checked_int(v, kMaxWindow, what);
    } else if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) {
        a = checked_int(v[0], kMaxWindow, what), b = checked_int(v[1], kMaxWindow, what);
    } else if (v.is_array() && v.size() == 1 && v[0].is_number_integer()) {
        a = b = checked_int(v[0], kMaxWindow, what);
    } else {
        bad(what + " must be an integer or a pair of integers, not " + brief(v));
    }
}

Activation parse_activation(const json& v, const std::string& layer) {
    if (v.is_null()) return Activation::Linear;
    std::string name = v.is_string() ? lower(v.get<std::string>()) : brief(v);
    if (v.is_object() && v.contains("class_name") && v["class_name"].is_string()) name = lower(v["class_name"].get<std::string>());
    if (name == "linear" || name == "none" || name.empty()) return Activation::Linear;
    if (name == "relu") return Activation::Relu;
    if (name == "sigmoid") return Activation::Sigmoid;
    if (name == "tanh") return Activation::Tanh;
    if (name == "softmax") return Activation::Softmax;
    bad("layer '" + layer + "': unknown activation '" + name.substr(0, 80) +
        "' (expected relu, softmax, sigmoid, tanh or linear)");
}

// obj[key], or the fallback when it is missing; a reference, never a copy.
const json& field_or(const json& obj, const char* key, const json& fallback) {
    return obj.contains(key) ? obj[key] : fallback;
}

int read_int(const json& cfg, const char* key, const std::string& layer, int max) {
    if (!cfg.contains(key)) bad("layer '" + layer + "' has no '" + key + "'");
    return checked_int(cfg[key], max, "layer '" + layer + "': " + key);
}

// cfg[key] when it has the JSON type `is` accepts, the fallback when it is missing or null.
template <class T>
T read_typed(const json& cfg, const char* key, const std::string& layer, T fallback, bool (json::*is)() const noexcept,
             const char* type) {
    if (!cfg.contains(key) || cfg[key].is_null()) return fallback;
    if (!(cfg[key].*is)()) bad("layer '" + layer + "': " + key + " must be " + type + ", not " + brief(cfg[key]));
    return cfg[key].get<T>();
}
bool read_bool(const json& cfg, const char* key, const std::string& layer, bool fallback) {
    return read_typed(cfg, key, layer, fallback, &json::is_boolean, "true or false");
}
std::string read_string(const json& cfg, const char* key, const std::string& layer, std::string fallback) {
    return read_typed(cfg, key, layer, std::move(fallback), &json::is_string, "a string");
}

bool read_input_shape(const json& cfg, Shape& shape) {
    for (const char* key : {"batch_input_shape", "batch_shape", "input_shape"}) {
        if (!cfg.contains(key) || !cfg[key].is_array()) continue;
        const json& dims = cfg[key];
        const bool has_batch = std::string(key) != "input_shape";  // the first dimension is the batch
        std::vector<int> d;
        for (size_t i = has_batch ? 1 : 0; i < dims.size(); ++i) {
            const json& x = dims[i];
            if (!x.is_number_integer()) bad(std::string(key) + " " + brief(cfg[key]) + " must give every dimension except the batch");
            const bool channels = d.size() == 2;
            d.push_back(checked_int(x, channels ? kMaxChannels : kMaxWindow, std::string(key) + (channels ? " channels" : " height/width")));
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
        bad("each layer must be an object with a \"class_name\", not " + brief(layer));
    const std::string cls = layer["class_name"].get<std::string>();
    static const json no_config = json::object();
    const json& cfg = layer.contains("config") && !layer["config"].is_null() ? layer["config"] : no_config;
    if (!cfg.is_object()) bad("layer '" + cls + "': its config must be an object, not " + brief(cfg));
    s = LayerSpec{};
    if (cfg.contains("name") && cfg["name"].is_string()) s.name = cfg["name"].get<std::string>();
    else if (layer.contains("name") && layer["name"].is_string()) s.name = layer["name"].get<std::string>();
    const std::string who = s.name.empty() ? cls : s.name;
    if (read_input_shape(cfg, input)) input_seen = true;
    if (cfg.contains("data_format") && cfg["data_format"].is_string() && cfg["data_format"] != "channels_last")
        bad("layer '" + who + "': only data_format 'channels_last' is supported");
    auto padding = [&] {
        std::string p = lower(read_string(cfg, "padding", who, "valid"));
        if (p == "valid") return Padding::Valid;
        if (p == "same") return Padding::Same;
        bad("layer '" + who + "': padding must be 'valid' or 'same', not '" + p.substr(0, 80) + "'");
    };
    if (cls == "InputLayer") return false;
    if (cls == "Conv2D") {
        s.kind = LayerKind::Conv2D;
        s.filters = read_int(cfg, "filters", who, kMaxChannels);
        if (!cfg.contains("kernel_size")) bad("layer '" + who + "' has no 'kernel_size'");
        read_pair(cfg, "kernel_size", who, s.kernel_h, s.kernel_w);
        read_pair(cfg, "strides", who, s.stride_h, s.stride_w);
        int dh = 1, dw = 1;
        read_pair(cfg, "dilation_rate", who, dh, dw);
        if (dh != 1 || dw != 1) bad("layer '" + who + "': dilation_rate other than 1 is not supported");
        s.padding = padding();
        s.activation = parse_activation(field_or(cfg, "activation", kLinear), who);
        s.use_bias = read_bool(cfg, "use_bias", who, true);
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
        const double rate = cfg["rate"].get<double>();
        if (!(rate >= 0.0 && rate < 1.0))
            bad("layer '" + who + "': rate is the fraction dropped and must be in [0, 1) (got " + cfg["rate"].dump() + ")");
        s.rate = static_cast<float>(rate);
    } else if (cls == "Flatten") {
        s.kind = LayerKind::Flatten;
    } else if (cls == "Dense") {
        s.kind = LayerKind::Dense;
        s.units = read_int(cfg, "units", who, INT32_MAX);  // huge: refused by the memory limit
        s.activation = parse_activation(field_or(cfg, "activation", kLinear), who);
        s.use_bias = read_bool(cfg, "use_bias", who, true);
    } else if (cls == "Activation" || cls == "ReLU" || cls == "Softmax") {
        s.kind = LayerKind::Activation;
        s.activation = cls == "ReLU"      ? Activation::Relu
                       : cls == "Softmax" ? Activation::Softmax
                                          : parse_activation(field_or(cfg, "activation", kNull), who);
    } else {
        bad("layer '" + who + "': unknown layer class '" + cls +
            "' (supported: InputLayer, Conv2D, MaxPooling2D, Dropout, Flatten, Dense, Activation)");
    }
    return true;
}

// The name of the one layer feeding a functional-model layer, in the Keras 2 / TF.js form
// [[["input_1", 0, 0, {}]]] or the Keras 3 form [{"args": [{"config": {"keras_history": [...]}}]}].
std::string inbound_name(const json& layer, const std::string& who) {
    if (!layer.contains("inbound_nodes")) return "";
    const json& nodes = layer["inbound_nodes"];
    if (!nodes.is_array()) bad("layer '" + who + "': inbound_nodes must be a list, not " + brief(nodes));
    if (nodes.empty()) return "";
    if (nodes.size() > 1) bad("layer '" + who + "' is called more than once; only a chain of layers is supported");
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
        bad("layer '" + who + "' has " + std::to_string(names.size()) + " inputs; only a chain of layers is supported");
    return names[0];
}

// Orders a functional model's layers as the chain from its input to its output. Points into
// `layers` (no copies: a copy of a deeply nested value would recurse as deep).
std::vector<const json*> chain_of(const json& layers) {
    std::map<std::string, const json*> by_name;
    std::map<std::string, std::string> next;  // producer → consumer
    std::string first;
    for (const auto& l : layers) {
        if (!l.is_object()) bad("each layer must be an object with a \"class_name\", not " + brief(l));
        std::string name;
        if (l.contains("name") && l["name"].is_string()) name = l["name"].get<std::string>();
        else if (l.contains("config") && l["config"].is_object() && l["config"].contains("name") && l["config"]["name"].is_string())
            name = l["config"]["name"].get<std::string>();
        std::string from = inbound_name(l, name);
        by_name[name] = &l;
        if (from.empty()) {
            if (!first.empty()) bad("the model has several inputs ('" + first + "', '" + name + "'); only one is supported");
            first = name;
        } else if (!next.emplace(from, name).second) {
            bad("layer '" + from + "' feeds several layers; only a chain of layers is supported");
        }
    }
    std::vector<const json*> ordered;
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

namespace {
ModelSpec parse_model_config_unchecked(const std::string& json_text) {
    const json parsed = parse_json(json_text, "the model description");
    // References and pointers into `parsed` only: copying a deeply nested value would recurse.
    const json* top = &parsed;
    if (top->is_object() && top->contains("modelTopology")) top = &(*top)["modelTopology"];
    if (top->is_object() && top->contains("model_config")) top = &(*top)["model_config"];
    const json& root = *top;
    ModelSpec spec;
    const json* list = nullptr;
    bool functional = false;
    if (root.is_array()) {
        list = &root;
    } else if (root.is_object()) {
        std::string cls = "Sequential";
        if (root.contains("class_name")) cls = root["class_name"].is_string() ? root["class_name"].get<std::string>() : brief(root["class_name"]);
        if (cls != "Sequential" && cls != "Model" && cls != "Functional")
            bad("unknown model class '" + cls.substr(0, 80) + "' (expected Sequential, Functional or Model)");
        functional = cls != "Sequential";
        const json& cfg = root.contains("config") ? root["config"] : root;
        if (cfg.is_array()) list = &cfg;  // old Keras Sequential: config is the layer list
        else if (cfg.is_object() && cfg.contains("layers") && cfg["layers"].is_array()) list = &cfg["layers"];
        else bad("the model config has no \"layers\" list");
        if (cfg.is_object() && cfg.contains("name") && cfg["name"].is_string()) spec.name = cfg["name"].get<std::string>();
    } else {
        bad("the model description must be a JSON object or a list of layers");
    }
    std::vector<const json*> layers;
    if (functional) layers = chain_of(*list);
    else
        for (const auto& layer : *list) layers.push_back(&layer);
    bool input_seen = false;
    for (const json* layer : layers) {
        LayerSpec s;
        if (parse_layer(*layer, s, spec.input, input_seen)) spec.layers.push_back(s);
    }
    if (spec.layers.empty()) bad("the model has no layers");
    return spec;
}
}  // namespace

ModelSpec parse_model_config(const std::string& json_text) {
    return refusing_json_errors("the model description", [&] { return parse_model_config_unchecked(json_text); });
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

namespace {

std::vector<std::string> weight_shard_paths_unchecked(const std::string& model_json) {
    json root = parse_json(model_json, "model.json");
    std::vector<std::string> paths;
    if (!root.is_object() || !root.contains("weightsManifest") || !root["weightsManifest"].is_array())
        bad("model.json has no weightsManifest list");
    for (const auto& group : root["weightsManifest"]) {
        if (!group.is_object()) bad("model.json: each weightsManifest entry must be an object, not " + brief(group));
        if (!group.contains("paths")) continue;
        if (!group["paths"].is_array()) bad("model.json: weightsManifest paths must be a list, not " + brief(group["paths"]));
        for (const auto& p : group["paths"]) {
            if (!p.is_string()) bad("model.json: a weightsManifest path is not a string");
            paths.push_back(p.get<std::string>());
        }
    }
    return paths;
}

Model load_model_unchecked(const std::string& model_json, const std::vector<uint8_t>& weights) {
    json root = parse_json(model_json, "model.json");
    if (!root.is_object() || !root.contains("modelTopology"))
        bad("model.json has no modelTopology: is it a TF.js Layers model?");
    ModelSpec spec = parse_model_config(model_json);
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
    for (const auto& group : root["weightsManifest"]) {
        if (!group.is_object()) bad("model.json: each weightsManifest entry must be an object, not " + brief(group));
        if (!group.contains("weights")) continue;
        if (!group["weights"].is_array()) bad("model.json: weightsManifest weights must be a list, not " + brief(group["weights"]));
        for (const auto& w : group["weights"]) {
            if (!w.is_object()) bad("model.json: each weightsManifest weight must be an object, not " + brief(w));
            Stored s{"", {}, offset, 1};
            if (w.contains("name")) s.name = w["name"].is_string() ? w["name"].get<std::string>() : brief(w["name"]);
            static const json float32 = "float32", no_shape = json::array();
            const json& dtype = w.contains("dtype") ? w["dtype"] : float32;
            if (dtype != "float32") bad("weight '" + s.name + "' has dtype " + brief(dtype) + "; only float32 is supported");
            if (w.contains("quantization")) bad("weight '" + s.name + "' is quantized; only float32 weights are supported");
            const json& shape = w.contains("shape") ? w["shape"] : no_shape;
            if (!shape.is_array()) bad("weight '" + s.name + "' has a bad shape " + brief(shape));
            for (const auto& d : shape) {
                if (!d.is_number_integer() || d.get<int64_t>() < 0) bad("weight '" + s.name + "' has a bad shape");
                const int64_t size = d.get<int64_t>();
                if (size > kMaxWeightCount || (size > 0 && s.count > kMaxWeightCount / size))
                    bad("weight '" + s.name + "' is impossibly large");
                s.shape.push_back(size);
                s.count *= size;
            }
            offset += 4 * s.count;
            stored.push_back(s);
        }
    }
    if (offset != static_cast<int64_t>(weights.size()))
        bad("the weights file has " + std::to_string(weights.size()) + " bytes but model.json's weightsManifest describes " +
            std::to_string(offset));
    // Only now, with the sizes known to agree, is the parameter block allocated.
    Model model(std::move(spec));

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

}  // namespace

std::vector<std::string> weight_shard_paths(const std::string& model_json) {
    return refusing_json_errors("model.json", [&] { return weight_shard_paths_unchecked(model_json); });
}

Model load_model(const std::string& model_json, const std::vector<uint8_t>& weights) {
    return refusing_json_errors("model.json", [&] { return load_model_unchecked(model_json, weights); });
}

}  // namespace cnn
