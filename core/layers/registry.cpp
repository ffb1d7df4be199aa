#include "registry.h"

namespace cnn {
namespace {

struct LayerClass {
    const char* class_name;
    LayerPtr (*make)();
    bool alias;  // another name of a kind listed before it
};

// Every layer kind the engine knows, by the class names Keras and TF.js configs give it.
constexpr LayerClass kLayerClasses[] = {
    {"Conv2D", make_conv2d, false},
    {"MaxPooling2D", make_max_pooling2d, false},
    {"MaxPool2D", make_max_pooling2d, true},
    {"Dropout", make_dropout, false},
    {"Flatten", make_flatten, false},
    {"Dense", make_dense, false},
    {"Activation", make_activation, false},
    {"ReLU", make_relu, true},
    {"Softmax", make_softmax, true},
};

}  // namespace

LayerPtr make_layer(const std::string& class_name) {
    for (const auto& c : kLayerClasses)
        if (class_name == c.class_name) return c.make();
    return nullptr;
}

std::string layer_classes() {
    std::string names;
    for (const auto& c : kLayerClasses)
        if (!c.alias) names += std::string(names.empty() ? "" : ", ") + c.class_name;
    return names;
}

}  // namespace cnn
