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
    {"Softmax", make_softmax, true},
    {"ReLU", make_relu, false},
    {"LeakyReLU", make_leaky_relu, false},
    {"BatchNormalization", make_batch_normalization, false},
    {"AveragePooling2D", make_average_pooling2d, false},
    {"AvgPool2D", make_average_pooling2d, true},
    {"GlobalAveragePooling2D", make_global_average_pooling2d, false},
    {"GlobalAvgPool2D", make_global_average_pooling2d, true},
    {"GlobalMaxPooling2D", make_global_max_pooling2d, false},
    {"GlobalMaxPool2D", make_global_max_pooling2d, true},
    {"ZeroPadding2D", make_zero_padding2d, false},
    {"DepthwiseConv2D", make_depthwise_conv2d, false},
    {"SeparableConv2D", make_separable_conv2d, false},
    {"SeparableConvolution2D", make_separable_conv2d, true},
    {"SpatialDropout2D", make_spatial_dropout2d, false},
};

}  // namespace

LayerPtr make_layer(const std::string& class_name) {
    for (const auto& c : kLayerClasses)
        if (class_name == c.class_name) return c.make();
    return nullptr;
}

std::vector<std::string> layer_kinds() {
    std::vector<std::string> names;
    for (const auto& c : kLayerClasses)
        if (!c.alias) names.push_back(c.class_name);
    return names;
}

std::string layer_classes() {
    std::string names;
    for (const std::string& name : layer_kinds()) names += (names.empty() ? "" : ", ") + name;
    return names;
}

}  // namespace cnn
