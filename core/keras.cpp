#include "keras.h"

#include <algorithm>
#include <cctype>
#include <cmath>
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
constexpr ActivationName kActivations[] = {
    {Activation::Relu, "relu"},       {Activation::Softmax, "softmax"}, {Activation::Sigmoid, "sigmoid"},
    {Activation::Tanh, "tanh"},       {Activation::Linear, "linear"},   {Activation::Elu, "elu"},
    {Activation::Selu, "selu"},       {Activation::Gelu, "gelu"},       {Activation::Swish, "swish"},
    {Activation::Softplus, "softplus"}, {Activation::Relu6, "relu6"}};

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
    // A name ("he_normal") or {"class_name": "HeNormal", "config": {"seed": 7}}.
    bool initializer(const char* key, Initializer& value) override {
        const json* v = get(key, Optional);
        if (!v) return false;
        const json* config = nullptr;
        std::string name;
        if (v->is_string()) name = v->get<std::string>();
        else if (v->is_object() && v->contains("class_name") && (*v)["class_name"].is_string()) {
            name = (*v)["class_name"].get<std::string>();
            if (v->contains("config") && (*v)["config"].is_object()) config = &(*v)["config"];
        } else refuse(std::string(key) + " must be an initializer's name or {\"class_name\", \"config\"}, not " + brief(*v), key);
        std::optional<Initializer> init = Initializer::named(name);
        if (!init) refuse("unknown initializer '" + cut(name) + "' (expected " + initializer_names() + ")", key);
        if (config) {
            const std::string at = std::string(key) + " " + init->class_name + ": ";
            auto read_number = [&](const char* field, double& out) {
                if (!config->contains(field) || (*config)[field].is_null()) return;
                if (!(*config)[field].is_number()) refuse(at + field + " must be a number, not " + brief((*config)[field]), key);
                out = (*config)[field].get<double>();
            };
            read_number("value", init->value);
            read_number("minval", init->minval);
            read_number("maxval", init->maxval);
            read_number("mean", init->mean);
            read_number("stddev", init->stddev);
            if (init->class_name == "VarianceScaling") read_number("scale", init->scale);
            if (config->contains("seed") && !(*config)["seed"].is_null()) {
                const json& seed = (*config)["seed"];
                if (!seed.is_number_integer() || seed.get<int64_t>() < 0)
                    refuse(at + "seed must be a whole number of at least 0, not " + brief(seed), key);
                init->seed = seed.get<uint64_t>();
            }
            if (init->class_name == "VarianceScaling") {
                // Keras writes fan_in / truncated_normal, TF.js fanIn / normal.
                auto word = [&](const char* field) {
                    const json& w = (*config)[field];
                    if (!w.is_string()) refuse(at + field + " must be a string, not " + brief(w), key);
                    std::string folded;
                    for (char c : lower(w.get<std::string>())) if (c != '_') folded += c;
                    return folded;
                };
                if (config->contains("mode") && !(*config)["mode"].is_null()) {
                    const std::string m = word("mode");
                    if (m == "fanin") init->mode = Initializer::FanIn;
                    else if (m == "fanout") init->mode = Initializer::FanOut;
                    else if (m == "fanavg") init->mode = Initializer::FanAvg;
                    else refuse(at + "mode must be fan_in, fan_out or fan_avg, not " + brief((*config)["mode"]), key);
                }
                if (config->contains("distribution") && !(*config)["distribution"].is_null()) {
                    const std::string d = word("distribution");
                    if (d == "uniform") init->distribution = Initializer::Uniform;
                    else if (d == "normal" || d == "truncatednormal") init->distribution = Initializer::Normal;
                    else if (d == "untruncatednormal") init->distribution = Initializer::UntruncatedNormal;
                    else refuse(at + "distribution must be truncated_normal, untruncated_normal or uniform, not " +
                                    brief((*config)["distribution"]), key);
                }
                if (!(init->scale > 0)) refuse(at + "scale must be above 0 (got " + format_number(init->scale) + ")", key);
            }
            if (init->stddev < 0) refuse(at + "stddev must be at least 0 (got " + format_number(init->stddev) + ")", key);
            if (init->minval > init->maxval) refuse(at + "minval must not exceed maxval", key);
        }
        value = *init;
        return true;
    }
    // None, a name ("l2": factor 0.01) or {"class_name": "L1" | "L2" | "L1L2", "config": {"l1", "l2"}}.
    bool regularizer(const char* key, Regularizer& value) override {
        const json* v = get(key, Optional);
        if (!v) return false;
        std::string name;
        const json* config = nullptr;
        if (v->is_string()) name = v->get<std::string>();
        else if (v->is_object() && v->contains("class_name") && (*v)["class_name"].is_string()) {
            name = (*v)["class_name"].get<std::string>();
            if (v->contains("config") && (*v)["config"].is_object()) config = &(*v)["config"];
        } else refuse(std::string(key) + " must be a regularizer's name or {\"class_name\", \"config\"}, not " + brief(*v), key);
        const std::string kind = lower(name);
        Regularizer r;
        if (kind == "l1") r.l1 = 0.01;
        else if (kind == "l2") r.l2 = 0.01;
        else if (kind != "l1l2" && kind != "l1_l2") refuse("unknown regularizer '" + cut(name) + "' (expected L1, L2 or L1L2)", key);
        for (const char* factor : {"l1", "l2"}) {
            if (!config || !config->contains(factor) || (*config)[factor].is_null()) continue;
            const json& f = (*config)[factor];
            if (!f.is_number()) refuse(std::string(key) + " " + factor + " must be a number, not " + brief(f), key);
            if (f.get<double>() < 0)
                refuse(std::string(key) + " " + factor + " must be at least 0 (got " + brief(f) + ")", key);
            (factor[1] == '1' ? r.l1 : r.l2) = f.get<double>();
        }
        value = r;
        return true;
    }
    bool padding_sizes(const char* key, int (&tblr)[4], int lo, int hi) override {
        const json* v = get(key, Optional);
        if (!v) return false;
        auto side = [&](const json& x) { return checked_int(x, lo, hi, key); };
        auto is_pair = [](const json& x) { return x.is_array() && x.size() == 2; };
        if (v->is_number_integer()) tblr[0] = tblr[1] = tblr[2] = tblr[3] = side(*v);
        else if (is_pair(*v) && (*v)[0].is_number_integer() && (*v)[1].is_number_integer())
            tblr[0] = tblr[1] = side((*v)[0]), tblr[2] = tblr[3] = side((*v)[1]);
        else if (is_pair(*v) && is_pair((*v)[0]) && is_pair((*v)[1]))
            tblr[0] = side((*v)[0][0]), tblr[1] = side((*v)[0][1]), tblr[2] = side((*v)[1][0]), tblr[3] = side((*v)[1][1]);
        else refuse(std::string(key) + " must be an integer, a pair or ((top, bottom), (left, right)), not " + brief(*v), key);
        return true;
    }

private:
    // config[key], or null when it is missing or null (refused when the field is Required).
    const json* get(const char* key, Need need) const {
        if (config_.contains(key) && !config_[key].is_null()) return &config_[key];
        if (need == Required) refuse(std::string("the config has no '") + key + "'", key);
        return nullptr;
    }

    const json& config_;
};

// An initializer as Keras and TF.js write it.
json initializer_json(const Initializer& init) {
    json config = json::object();
    const json seed = init.seed ? json(*init.seed) : json(nullptr);
    switch (init.kind) {
        case Initializer::Zeros:
        case Initializer::Ones: break;
        case Initializer::Constant: config = {{"value", init.value}}; break;
        case Initializer::RandomUniform: config = {{"minval", init.minval}, {"maxval", init.maxval}, {"seed", seed}}; break;
        case Initializer::RandomNormal:
        case Initializer::TruncatedNormal:
            config = {{"mean", init.mean}, {"stddev", init.stddev}, {"seed", seed}};
            break;
        case Initializer::VarianceScaling:
            config = {{"seed", seed}};
            if (init.class_name != "VarianceScaling") break;
            config["scale"] = init.scale;
            config["mode"] = init.mode == Initializer::FanIn ? "fan_in" : init.mode == Initializer::FanOut ? "fan_out" : "fan_avg";
            config["distribution"] = init.distribution == Initializer::Uniform ? "uniform"
                                     : init.distribution == Initializer::Normal ? "truncated_normal"
                                                                                : "untruncated_normal";
            break;
    }
    return {{"class_name", init.class_name}, {"config", config}};
}

// Writes the fields a kind lists into its Keras config.
class ConfigWriter final : public ConfigFields {
public:
    explicit ConfigWriter(json& config) : config_(config) {}

    bool integer(const char* key, int& value, int, int, Need) override { return put(key, value); }
    bool pair(const char* key, int& h, int& w, int, int, Need) override { return put(key, {h, w}); }
    bool number(const char* key, double& value, Need) override {  // an infinite one is Keras' None
        return put(key, std::isfinite(value) ? json(value) : json(nullptr));
    }
    bool boolean(const char* key, bool& value) override { return put(key, value); }
    bool activation(const char* key, Activation& value) override { return put(key, activation_name(value)); }
    bool padding(const char* key, Padding& value) override {
        return put(key, value == Padding::Same ? "same" : "valid");
    }
    bool data_format(const char* key) override { return put(key, "channels_last"); }
    bool initializer(const char* key, Initializer& value) override { return put(key, initializer_json(value)); }
    bool regularizer(const char* key, Regularizer& value) override {
        return put(key, value.active() ? json{{"class_name", "L1L2"}, {"config", {{"l1", value.l1}, {"l2", value.l2}}}}
                                       : json(nullptr));
    }
    bool padding_sizes(const char* key, int (&tblr)[4], int, int) override {
        return put(key, {{tblr[0], tblr[1]}, {tblr[2], tblr[3]}});
    }

private:
    bool put(const char* key, json value) {
        config_[key] = std::move(value);
        return true;
    }

    json& config_;
};

// Describes the fields a kind lists, with their types, bounds, choices and the kind's defaults
// (the values of a layer just made), for an editor that offers every layer without lists of its own.
class SchemaWriter final : public ConfigFields {
public:
    bool integer(const char* key, int& value, int lo, int hi, Need need) override {
        return add(key, "integer", need == Required ? json(nullptr) : json(value), need, {{"min", lo}, {"max", hi}});
    }
    bool pair(const char* key, int& h, int& w, int lo, int hi, Need need) override {
        return add(key, "pair", need == Required ? json(nullptr) : json{h, w}, need, {{"min", lo}, {"max", hi}});
    }
    bool number(const char* key, double& value, Need need) override {
        return add(key, "number", need == Required || !std::isfinite(value) ? json(nullptr) : json(value), need);
    }
    bool boolean(const char* key, bool& value) override { return add(key, "boolean", value); }
    bool activation(const char* key, Activation& value) override {
        json names = json::array();
        for (const auto& a : kActivations) names.push_back(a.name);
        return add(key, "choice", activation_name(value), Optional, {{"choices", names}});
    }
    bool padding(const char* key, Padding& value) override {
        return add(key, "choice", value == Padding::Same ? "same" : "valid", Optional, {{"choices", {"valid", "same"}}});
    }
    bool data_format(const char* key) override {
        return add(key, "choice", "channels_last", Optional, {{"choices", {"channels_last"}}});
    }
    bool initializer(const char* key, Initializer& value) override {
        return add(key, "initializer", initializer_json(value), Optional, {{"choices", split(initializer_names())}});
    }
    bool regularizer(const char* key, Regularizer&) override {
        return add(key, "regularizer", nullptr, Optional, {{"choices", {"L1", "L2", "L1L2"}}});
    }
    bool padding_sizes(const char* key, int (&tblr)[4], int lo, int hi) override {
        return add(key, "padding_sizes", {{tblr[0], tblr[1]}, {tblr[2], tblr[3]}}, Optional, {{"min", lo}, {"max", hi}});
    }

    json fields = json::array();

private:
    static json split(const std::string& names) {  // "A, B" → ["A", "B"]
        json list = json::array();
        for (size_t at = 0; at < names.size();) {
            const size_t end = std::min(names.find(", ", at), names.size());
            list.push_back(names.substr(at, end - at));
            at = end + 2;
        }
        return list;
    }
    bool add(const char* key, const char* type, json default_value, Need need = Optional, json extra = json::object()) {
        json field = {{"name", key}, {"type", type}, {"default", std::move(default_value)}, {"required", need == Required}};
        field.update(extra);
        fields.push_back(std::move(field));
        return true;
    }
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

std::string layer_schema_json() {
    json kinds = json::array();
    for (const std::string& class_name : layer_kinds()) {
        SchemaWriter schema;
        make_layer(class_name)->fields(schema);
        kinds.push_back({{"class_name", class_name}, {"fields", schema.fields}});
    }
    return kinds.dump();
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
