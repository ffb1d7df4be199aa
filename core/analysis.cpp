#include "analysis.h"

#include <set>

#include <nlohmann/json.hpp>

#include "keras.h"
#include "model_io.h"
#include "refuse.h"

namespace cnn {
namespace {

using json = nlohmann::json;

// Keras' default names for the unnamed layers (conv2d, conv2d_1, ... skipping the names given),
// and a refusal for a name given twice.
void name_layers(ModelSpec& spec, Analysis& a) {
    std::set<std::string> used;
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        LayerSpec& s = spec.layers[i];
        if (s.name.empty() || used.insert(s.name).second || !s.error.empty()) continue;
        s.error = "two layers are named '" + s.name + "'; layer names must be unique";
        s.field = "name";
    }
    for (LayerSpec& s : spec.layers) {
        if (!s.name.empty()) continue;
        const std::string base = default_layer_name(s.layer ? s.layer->class_name() : s.class_name);
        s.name = base;
        for (int k = 1; used.count(s.name); ++k) s.name = base + "_" + std::to_string(k);
        used.insert(s.name);
    }
    for (LayerSpec& s : spec.layers) {
        LayerAnalysis l;
        l.name = s.name;
        l.class_name = s.layer ? s.layer->class_name() : s.class_name;
        l.error = s.error;
        l.field = s.field;
        if (s.layer) s.layer->name = s.name;
        a.layers.push_back(l);
    }
}

json shape_json(const Shape& s) { return s.rank == 1 ? json{nullptr, s.c} : json{nullptr, s.h, s.w, s.c}; }

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Options as the JSON interfaces give them; throws a refusal naming the bad one.
AnalysisOptions read_options(const std::string& text) {
    json j;
    try {
        j = json::parse(text.empty() ? "{}" : text);
    } catch (const json::exception& e) {
        refuse(std::string("the analysis options are not valid JSON: ") + e.what());
    }
    if (!j.is_object()) refuse("the analysis options must be a JSON object, not " + brief(j));
    AnalysisOptions o;
    if (j.contains("memory_limit") && !j["memory_limit"].is_null()) {
        const json& v = j["memory_limit"];
        if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 9e18)
            refuse("the analysis option memory_limit must be a number of bytes, not " + brief(v));
        o.memory_limit = static_cast<int64_t>(v.get<double>());
    }
    if (j.contains("classes") && !j["classes"].is_null()) {
        const json& v = j["classes"];
        if (!v.is_number_integer() || v.get<int64_t>() != kClasses)
            refuse("the analysis option classes must be " + std::to_string(kClasses) + " (labels 0-" +
                   std::to_string(kMaxLabel) + "), not " + brief(v));
        o.classes = kClasses;
    }
    if (j.contains("input_shape") && !j["input_shape"].is_null()) {
        const json& v = j["input_shape"];
        auto side = [&](size_t i, int max) {
            return v[i].is_number_integer() && v[i].get<int64_t>() >= 1 && v[i].get<int64_t>() <= max;
        };
        if (!v.is_array() || v.size() != 3 || !side(0, kMaxImageSide) || !side(1, kMaxImageSide) ||
            !side(2, kMaxChannels))
            refuse("the analysis option input_shape must be [height, width, channels] of at most [" +
                   std::to_string(kMaxImageSide) + ", " + std::to_string(kMaxImageSide) + ", " +
                   std::to_string(kMaxChannels) + "], not " + brief(v));
        o.input_shape = Shape{v[0].get<int>(), v[1].get<int>(), v[2].get<int>(), 3};
    }
    return o;
}

}  // namespace

double bytes_for_training(int64_t trainable, int64_t non_trainable, int64_t activations_per_sample, int64_t batch) {
    return 4.0 *
           (4.0 * double(trainable) + double(non_trainable) + 2.0 * double(batch) * double(activations_per_sample));
}

std::string output_problem(const Shape& output, bool ends_with_softmax, int classes) {
    const std::string n = std::to_string(classes);
    if (output.rank != 1 || output.c != classes)
        return "the last layer must give " + n + " numbers, one per class, but gives " + output.str() +
               "; end with Dense(" + n + ", softmax)";
    if (!ends_with_softmax)
        return "the model must end with a softmax activation: it is trained with sparse categorical cross-entropy on "
               "class probabilities";
    return "";
}

Analysis analyse(ModelSpec& spec, const AnalysisOptions& options) {
    Analysis a;
    a.name = spec.name;
    a.memory_limit = options.memory_limit >= 0 ? options.memory_limit : memory_limit();
    a.input = spec.input.value_or(options.input_shape.value_or(Shape{28, 28, 1, 3}));
    name_layers(spec, a);
    if (!spec.error.empty()) a.error = spec.error;
    else if (spec.layers.empty()) a.error = "the model has no layers";
    else if (options.input_shape && a.input != *options.input_shape)
        a.error = "the model takes " + a.input.str() + " inputs but the images are " + options.input_shape->str();
    a.refusal = a.error;

    // Shapes, weights and memory, layer by layer, until the first error.
    Shape shape = a.input;
    int64_t trainable = 0, non_trainable = 0, activations = shape.size();
    int failed = -1;
    bool over_memory = false;
    for (size_t i = 0; i < spec.layers.size() && spec.error.empty(); ++i) {
        LayerAnalysis& l = a.layers[i];
        if (failed < 0 && l.error.empty()) {
            Layer& layer = *spec.layers[i].layer;
            try {
                layer.in = shape;
                layer.out = layer.connect(shape);
            } catch (const Refusal& e) {
                l.error = e.what();
                l.field = e.field;
            }
        }
        if (!l.error.empty() && failed < 0) failed = static_cast<int>(i);
        if (failed >= 0) continue;
        const Layer& layer = *spec.layers[i].layer;
        for (const WeightSpec& w : layer.weights()) {
            l.params += w.count();
            if (w.trainable) l.trainable_params += w.count();
        }
        l.output = layer.out;
        trainable += l.trainable_params, non_trainable += l.params - l.trainable_params;
        activations += layer.out.size();
        a.training_bytes = bytes_for_training(trainable, non_trainable, activations, kReferenceBatch);
        if (a.training_bytes > double(a.memory_limit)) {
            l.error = "brings the model to " + with_commas(trainable + non_trainable) +
                      " parameters, which would need about " + format_bytes(a.training_bytes) +
                      " for training; the limit is " + format_bytes(double(a.memory_limit));
            failed = static_cast<int>(i), over_memory = true;
        }
        shape = layer.out;
    }
    for (const LayerAnalysis& l : a.layers) a.total_params += l.params, a.trainable_params += l.trainable_params;

    if (failed < 0 && spec.error.empty() && !spec.layers.empty() && options.classes != kAnyOutput) {
        Layer& last = *spec.layers.back().layer;
        const OutputActivation* act = last.output_activation();
        const bool softmax = act && act->act == Activation::Softmax;
        const std::string problem = output_problem(shape, softmax, options.classes);
        if (!problem.empty()) {
            LayerAnalysis& l = a.layers.back();
            l.error = problem;
            // Blame what sets the wrong thing: the scores' count, or the activation.
            l.field = shape.rank != 1 ? "" : shape.c != options.classes ? last.width_field() : act ? "activation" : "";
            failed = static_cast<int>(a.layers.size()) - 1;
        }
    }
    if (a.error.empty() && failed >= 0) {
        const LayerAnalysis& l = a.layers[failed];
        a.error = l.name + " (" + l.class_name + "): " + l.error;
        // The memory verdict reads as a sentence about the layer and its output.
        const std::string layer = l.class_name + " '" + l.name + "'";
        a.refusal = over_memory ? layer + " " + l.output->str() + " " + l.error : layer + ": " + l.error;
    }
    return a;
}

Analysis analyse(const std::string& config_json, const AnalysisOptions& options) {
    ModelSpec spec = read_model_config(config_json);
    return analyse(spec, options);
}

std::string analyse_json(const std::string& config_json, const std::string& options_json) {
    try {
        return analyse(config_json, read_options(options_json)).to_json();
    } catch (const Refusal& e) {
        Analysis a = analyse(config_json);
        a.error = a.refusal = e.what();
        return a.to_json();
    }
}

std::string Analysis::summary() const { return summary_text(*this); }

std::string Analysis::to_json() const {
    json layers_json = json::array();
    for (const LayerAnalysis& l : layers)
        layers_json.push_back({{"name", l.name},
                               {"class_name", l.class_name},
                               {"output_shape", l.output ? shape_json(*l.output) : json(nullptr)},
                               {"params", l.params},
                               {"trainable_params", l.trainable_params},
                               {"error", nullable(l.error)},
                               {"field", nullable(l.field)}});
    return json{{"name", name},
                {"input_shape", {input.h, input.w, input.c}},
                {"layers", layers_json},
                {"total_params", total_params},
                {"trainable_params", trainable_params},
                {"non_trainable_params", total_params - trainable_params},
                {"training_bytes", training_bytes},
                {"memory_limit", memory_limit},
                {"valid", valid()},
                {"error", nullable(error)},
                {"summary", summary()}}
        .dump();
}

}  // namespace cnn
