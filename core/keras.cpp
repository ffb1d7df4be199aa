#include "keras.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "refuse.h"

namespace cnn {
namespace {

using json = nlohmann::json;

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string cut(const std::string& s) { return s.size() > 80 ? s.substr(0, 77) + "..." : s; }

struct ActivationName {
    Activation act;
    const char* name;
};
constexpr ActivationName kActivations[] = {{Activation::Relu, "relu"},
                                           {Activation::Softmax, "softmax"},
                                           {Activation::Sigmoid, "sigmoid"},
                                           {Activation::Tanh, "tanh"},
                                           {Activation::Linear, "linear"}};

std::string activation_names() {  // "relu, softmax, sigmoid, tanh or linear"
    std::string s;
    const size_t n = std::size(kActivations);
    for (size_t i = 0; i < n; ++i) s += std::string(i == 0 ? "" : i + 1 == n ? " or " : ", ") + kActivations[i].name;
    return s;
}

// An integer JSON value in [lo, hi]; anything else is refused, naming it `what` and blaming `field`.
int checked_int(const json& v, int lo, int hi, const std::string& what, const char* field) {
    if (!v.is_number_integer()) refuse(what + " must be an integer, not " + brief(v), field);
    if (v.is_number_unsigned() ? v.get<uint64_t>() > uint64_t(hi) : v.get<int64_t>() > hi)
        refuse(what + " " + brief(v) + " is too large (at most " + std::to_string(hi) + ")", field);
    if (v.get<int64_t>() < lo)
        refuse(what + " must be at least " + std::to_string(lo) + " (got " + brief(v) + ")", field);
    return static_cast<int>(v.get<int64_t>());
}
int checked_int(const json& v, int lo, int hi, const char* key) { return checked_int(v, lo, hi, key, key); }

// Reads the fields a kind lists from its Keras config, checking each value.
class ConfigReader final : public ConfigFields {
public:
    explicit ConfigReader(const json& config) : config_(config) {}

    bool integer(const char* key, int& value, int lo, int hi, Need need) override {
        const json* v = get(key, need);
        if (v) value = checked_int(*v, lo, hi, key);
        return v;
    }
    // Keras accepts an int or a pair for kernel_size, strides and pool_size.
    bool pair(const char* key, int& h, int& w, int lo, int hi, Need need) override {
        const json* v = get(key, need);
        if (!v) return false;
        if (v->is_number_integer()) h = w = checked_int(*v, lo, hi, key);
        else if (v->is_array() && v->size() == 2 && (*v)[0].is_number_integer() && (*v)[1].is_number_integer())
            h = checked_int((*v)[0], lo, hi, key), w = checked_int((*v)[1], lo, hi, key);
        else if (v->is_array() && v->size() == 1 && (*v)[0].is_number_integer())
            h = w = checked_int((*v)[0], lo, hi, key);
        else refuse(std::string(key) + " must be an integer or a pair of integers, not " + brief(*v), key);
        return true;
    }
    bool number(const char* key, double& value, Need need) override {
        const json* v = get(key, need);
        if (v && !v->is_number()) refuse(std::string(key) + " must be a number, not " + brief(*v), key);
        if (v) value = v->get<double>();
        return v;
    }
    bool boolean(const char* key, bool& value) override {
        const json* v = get(key, Optional);
        if (v && !v->is_boolean()) refuse(std::string(key) + " must be true or false, not " + brief(*v), key);
        if (v) value = v->get<bool>();
        return v;
    }
    bool activation(const char* key, Activation& value) override {
        const json* v = get(key, Optional);
        if (!v) return false;
        std::string name = v->is_string() ? lower(v->get<std::string>()) : brief(*v);
        if (v->is_object() && v->contains("class_name") && (*v)["class_name"].is_string())
            name = lower((*v)["class_name"].get<std::string>());
        if (name == "none" || name.empty()) name = "linear";
        for (const auto& a : kActivations) {
            if (name != a.name) continue;
            value = a.act;
            return true;
        }
        refuse("unknown activation '" + cut(name) + "' (expected " + activation_names() + ")", key);
    }
    bool padding(const char* key, Padding& value) override {
        const json* v = get(key, Optional);
        if (!v) return false;
        if (!v->is_string()) refuse(std::string(key) + " must be a string, not " + brief(*v), key);
        const std::string p = lower(v->get<std::string>());
        if (p != "valid" && p != "same") refuse("padding must be 'valid' or 'same', not '" + cut(p) + "'", key);
        value = p == "same" ? Padding::Same : Padding::Valid;
        return true;
    }
    bool data_format(const char* key) override {
        const json* v = get(key, Optional);
        if (v && v->is_string() && *v != "channels_last") refuse("only data_format 'channels_last' is supported", key);
        return v;
    }
    // The engine starts kernels glorot_uniform and biases at zero, Keras' defaults, whatever the
    // config asks: other initializers are not read yet.
    bool initializer(const char* key, Initializer&) override { return get(key, Optional); }

private:
    // config[key], or null when it is missing or null (refused when the field is Required).
    const json* get(const char* key, Need need) const {
        if (config_.contains(key) && !config_[key].is_null()) return &config_[key];
        if (need == Required) refuse(std::string("the config has no '") + key + "'", key);
        return nullptr;
    }

    const json& config_;
};

// Writes the fields a kind lists into its Keras config.
class ConfigWriter final : public ConfigFields {
public:
    explicit ConfigWriter(json& config) : config_(config) {}

    bool integer(const char* key, int& value, int, int, Need) override { return put(key, value); }
    bool pair(const char* key, int& h, int& w, int, int, Need) override { return put(key, {h, w}); }
    bool number(const char* key, double& value, Need) override { return put(key, value); }
    bool boolean(const char* key, bool& value) override { return put(key, value); }
    bool activation(const char* key, Activation& value) override { return put(key, activation_name(value)); }
    bool padding(const char* key, Padding& value) override {
        return put(key, value == Padding::Same ? "same" : "valid");
    }
    bool data_format(const char* key) override { return put(key, "channels_last"); }
    bool initializer(const char* key, Initializer& value) override {
        return put(key, value == Initializer::GlorotUniform
                            ? json{{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}}
                            : json{{"class_name", "Zeros"}, {"config", json::object()}});
    }

private:
    bool put(const char* key, json value) {
        config_[key] = std::move(value);
        return true;
    }

    json& config_;
};

// The input shape a layer config may state (the first dimension of the batch_ forms is the batch).
bool read_input_shape(const json& config, std::optional<Shape>& input) {
    for (const char* key : {"batch_input_shape", "batch_shape", "input_shape"}) {
        if (!config.contains(key) || !config[key].is_array()) continue;
        const json& dims = config[key];
        const bool has_batch = std::string(key) != "input_shape";
        std::vector<int> d;
        for (size_t i = has_batch ? 1 : 0; i < dims.size(); ++i) {
            if (!dims[i].is_number_integer())
                refuse(std::string(key) + " " + brief(dims) + " must give every dimension except the batch", key);
            const bool channels = d.size() == 2;
            d.push_back(checked_int(dims[i], 1, channels ? kMaxChannels : kMaxImageSide,
                                    std::string(key) + (channels ? " channels" : " height/width"), key));
        }
        if (d.size() == 3) input = Shape{d[0], d[1], d[2], 3};
        else if (d.size() == 2) input = Shape{d[0], d[1], 1, 3};
        else refuse(std::string(key) + " " + brief(dims) + " must be (height, width, channels)", key);
        return true;
    }
    return false;
}

}  // namespace

const char* activation_name(Activation act) {
    for (const auto& a : kActivations)
        if (a.act == act) return a.name;
    return "?";
}

std::string default_layer_name(const std::string& class_name) {
    // Keras: re.sub('(.)([A-Z][a-z0-9]+)', r'\1_\2', name), then re.sub('([a-z])([A-Z])', r'\1_\2', ...), lowered.
    auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
    auto is_lower_or_digit = [&](char c) { return is_lower(c) || (c >= '0' && c <= '9'); };
    std::string once;
    for (size_t i = 0; i < class_name.size();) {
        if (i + 2 < class_name.size() && is_upper(class_name[i + 1]) && is_lower_or_digit(class_name[i + 2])) {
            size_t end = i + 2;
            while (end < class_name.size() && is_lower_or_digit(class_name[end])) ++end;
            once += class_name.substr(i, 1) + "_" + class_name.substr(i + 1, end - i - 1);
            i = end;
        } else {
            once += class_name[i++];
        }
    }
    std::string twice;
    for (size_t i = 0; i < once.size();) {
        if (i + 1 < once.size() && is_lower(once[i]) && is_upper(once[i + 1])) {
            twice += once.substr(i, 1) + "_" + once.substr(i + 1, 1);
            i += 2;
        } else {
            twice += once[i++];
        }
    }
    return lower(twice);
}

std::string brief(const json& v) {
    if (v.is_array()) return "a list of " + std::to_string(v.size());
    if (v.is_object()) return "an object";
    return cut(v.dump());
}

bool read_layer(const json& entry, LayerSpec& spec, std::optional<Shape>& input) {
    if (!entry.is_object() || !entry.contains("class_name") || !entry["class_name"].is_string())
        refuse("each layer must be an object with a \"class_name\", not " + brief(entry));
    spec = LayerSpec{};
    spec.class_name = entry["class_name"].get<std::string>();
    static const json no_config = json::object();
    const json& config = entry.contains("config") && !entry["config"].is_null() ? entry["config"] : no_config;
    if (config.is_object() && config.contains("name") && config["name"].is_string())
        spec.name = config["name"].get<std::string>();
    else if (entry.contains("name") && entry["name"].is_string()) spec.name = entry["name"].get<std::string>();
    if (spec.class_name == "InputLayer") {
        if (config.is_object()) read_input_shape(config, input);
        return false;
    }
    try {
        if (!config.is_object()) refuse("its config must be an object, not " + brief(config), "config");
        read_input_shape(config, input);
        LayerPtr layer = make_layer(spec.class_name);
        if (!layer)
            refuse(
                "unknown layer class '" + cut(spec.class_name) + "' (supported: InputLayer, " + layer_classes() + ")",
                "class_name");
        ConfigReader reader(config);
        layer->fields(reader);
        spec.layer = std::move(layer);
    } catch (const Refusal& e) {
        spec.error = e.what();
        spec.field = e.field;
    } catch (const json::exception& e) {  // a type no explicit check expected
        spec.error = std::string("has a value of an unexpected type (") + e.what() + ")";
    }
    return true;
}

json layer_config(Layer& layer, const Shape* input) {
    json config = {{"name", layer.name}, {"trainable", true}, {"dtype", "float32"}};
    if (input) config["batch_input_shape"] = {nullptr, input->h, input->w, input->c};
    ConfigWriter writer(config);
    layer.fields(writer);
    return {{"class_name", layer.class_name()}, {"config", config}};
}

std::string summary_text(const Analysis& a) {
    std::string text;
    const std::string rule(69, '_'), double_rule(69, '=');
    auto row = [&](const std::string& layer, const std::string& shape, const std::string& params) {
        std::string line = " " + layer;
        line.resize(std::max<size_t>(line.size() + 1, 33), ' ');
        line += shape;
        line.resize(std::max<size_t>(line.size() + 1, 59), ' ');
        text += line + params + "\n";
    };
    text += "Model: \"" + a.name + "\"\n" + rule + "\n";
    row("Layer (type)", "Output Shape", "Param #");
    text += double_rule + "\n";
    for (size_t i = 0; i < a.layers.size(); ++i) {
        const LayerAnalysis& l = a.layers[i];
        row(l.name + " (" + l.class_name + ")", l.output ? l.output->str() : "?",
            l.output ? with_commas(l.params) : "?");
        if (i + 1 < a.layers.size()) text += "\n";
    }
    text += double_rule + "\n";
    text += "Total params: " + with_commas(a.total_params) + "\n" +
            "Trainable params: " + with_commas(a.trainable_params) + "\n" +
            "Non-trainable params: " + with_commas(a.total_params - a.trainable_params) + "\n" + rule + "\n";
    return text;
}

}  // namespace cnn
