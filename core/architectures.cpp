#include "architectures.h"

#include <nlohmann/json.hpp>

#include "model_io.h"

namespace cnn {
namespace {

// Layer names are left to Keras' defaults (conv2d, conv2d_1, ...).
constexpr const char* kBasicCnn = R"({"class_name": "Sequential", "config": {"name": "Basic_CNN", "layers": [
  {"class_name": "Conv2D", "config": {"batch_input_shape": [null, 28, 28, 1], "filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}},
  {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
  {"class_name": "Dropout", "config": {"rate": 0.25}},
  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "activation": "relu"}},
  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
  {"class_name": "Dropout", "config": {"rate": 0.25}},
  {"class_name": "Flatten", "config": {}},
  {"class_name": "Dense", "config": {"units": 512, "activation": "relu"}},
  {"class_name": "Dropout", "config": {"rate": 0.5}},
  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}})";

// Each convolution without its bias (BatchNormalization's beta takes its place), then
// BatchNormalization, then the ReLU: the layers TF.js' model.toJSON() writes for it.
constexpr const char* kBasicCnnBn = R"({"class_name": "Sequential", "config": {"name": "Basic_CNN_BN", "layers": [
  {"class_name": "Conv2D", "config": {"batch_input_shape": [null, 28, 28, 1], "filters": 32, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
  {"class_name": "Dropout", "config": {"rate": 0.25}},
  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
  {"class_name": "Dropout", "config": {"rate": 0.25}},
  {"class_name": "Flatten", "config": {}},
  {"class_name": "Dense", "config": {"units": 512, "activation": "relu"}},
  {"class_name": "Dropout", "config": {"rate": 0.5}},
  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}})";

// [Conv32-BN-ReLU]×2 → MaxPool → [Conv64-BN-ReLU]×2 → MaxPool → Conv128-BN-ReLU → GAP → Dense10:
// no 1.6 M-weight Dense layer, a twelfth of Basic_CNN's weights.
constexpr const char* kAllConvGap = R"({"class_name": "Sequential", "config": {"name": "AllConv_GAP", "layers": [
  {"class_name": "Conv2D", "config": {"batch_input_shape": [null, 28, 28, 1], "filters": 32, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
  {"class_name": "Conv2D", "config": {"filters": 128, "kernel_size": 3, "padding": "same", "use_bias": false}},
  {"class_name": "BatchNormalization", "config": {}},
  {"class_name": "Activation", "config": {"activation": "relu"}},
  {"class_name": "GlobalAveragePooling2D", "config": {}},
  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}})";

// LeCun et al. 1998 on 28×28 inputs: the first convolution pads to keep 28×28 (the paper's
// 32×32 input), tanh activations, average pooling for the subsampling layers.
constexpr const char* kLeNet5 = R"({"class_name": "Sequential", "config": {"name": "LeNet5", "layers": [
  {"class_name": "Conv2D", "config": {"batch_input_shape": [null, 28, 28, 1], "filters": 6, "kernel_size": 5, "padding": "same", "activation": "tanh"}},
  {"class_name": "AveragePooling2D", "config": {"pool_size": 2}},
  {"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": 5, "activation": "tanh"}},
  {"class_name": "AveragePooling2D", "config": {"pool_size": 2}},
  {"class_name": "Flatten", "config": {}},
  {"class_name": "Dense", "config": {"units": 120, "activation": "tanh"}},
  {"class_name": "Dense", "config": {"units": 84, "activation": "tanh"}},
  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}})";

}  // namespace

const std::vector<Architecture>& architectures() {
    static const std::vector<Architecture> list = {
        {"Basic_CNN", "The tutorial's network: two pairs of 3x3 convolutions, max pooling, dropout, Dense(512).",
         kBasicCnn},
        {"Basic_CNN_BN", "Basic_CNN with BatchNormalization after each convolution (convolution without bias, "
                         "BatchNormalization, ReLU).",
         kBasicCnnBn},
        {"AllConv_GAP", "Convolutions with BatchNormalization ending in GlobalAveragePooling2D: no large Dense "
                        "layer, a twelfth of Basic_CNN's weights.",
         kAllConvGap},
        {"LeNet5", "LeCun's LeNet-5: 5x5 convolutions with tanh, average pooling, Dense 120 and 84.", kLeNet5},
    };
    return list;
}

std::optional<ModelSpec> architecture_spec(const std::string& name) {
    for (const Architecture& a : architectures())
        if (name == a.name) return read_model_config(a.config);
    return std::nullopt;
}

std::string architectures_json() {
    nlohmann::json list = nlohmann::json::array();
    for (const Architecture& a : architectures())
        list.push_back({{"name", a.name}, {"description", a.description}, {"config", nlohmann::json::parse(a.config)}});
    return list.dump();
}

ModelSpec basic_cnn_spec() { return *architecture_spec("Basic_CNN"); }

}  // namespace cnn
