// The Keras vocabulary in one place: how a layer config reads and writes (ConfigFields over
// JSON), class and default layer names, activation and padding names, input shapes, and the
// summary table.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "analysis.h"

namespace cnn {

const char* activation_name(Activation act);

// Keras' default name of a layer of this class, before numbering: its class name in snake case
// ("MaxPooling2D" → "max_pooling2d", "LeakyReLU" → "leaky_re_lu"), as Keras' to_snake_case.
std::string default_layer_name(const std::string& class_name);

// A JSON value for a message: numbers, strings and the like as written (cut at 80 characters);
// lists and objects only by kind, since printing a deeply nested one could exhaust the stack.
std::string brief(const nlohmann::json& v);

// One entry of a config's layer list → its LayerSpec (a config that cannot be read is described
// in the spec, with the field to blame). An InputLayer only states the input: returns false.
// Refuses an entry that is no layer at all (not an object with a "class_name").
bool read_layer(const nlohmann::json& entry, LayerSpec& spec, std::optional<Shape>& input);

// The Keras config of a layer ({"class_name", "config"}); the first layer of a model also states
// the model's input.
nlohmann::json layer_config(Layer& layer, const Shape* input);

// Every layer kind with the fields of its config: [{"class_name": "Conv2D", "fields": [{"name":
// "filters", "type": "integer" | "pair" | "number" | "boolean" | "choice" | "initializer" |
// "regularizer" | "padding_sizes", "default", "required", and "min"/"max" or "choices"}]}].
std::string layer_schema_json();

// Keras' model.summary() table for an analysis.
std::string summary_text(const Analysis& a);

}  // namespace cnn
