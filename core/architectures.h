// The ready architectures a learner starts from, as Keras configs: the tutorial's Basic_CNN, the
// same with BatchNormalization, an all-convolutional net ending in global average pooling, and
// LeNet-5. The page, the CLI (`cnn train --model NAME`) and the tests read them from here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis.h"

namespace cnn {

struct Architecture {
    std::string name;         // the model's name in its config: "Basic_CNN"
    std::string description;  // one sentence for a menu
    std::string config;       // the Keras Sequential config
};

const std::vector<Architecture>& architectures();

// The description of the architecture of that name; nullopt when there is none.
std::optional<ModelSpec> architecture_spec(const std::string& name);

// [{"name", "description", "config": {...}}] for the page.
std::string architectures_json();

}  // namespace cnn
