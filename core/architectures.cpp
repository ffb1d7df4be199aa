#include "architectures.h"

#include <nlohmann/json.hpp>

#include "model_io.h"

namespace cnn {
namespace {

using json = nlohmann::json;
using Layers = std::vector<json>;

json layer(const char* class_name, json config = json::object()) {
    return {{"class_name", class_name}, {"config", std::move(config)}};
}
json conv(int filters, int kernel, const char* activation, const char* padding = "same") {
    return layer("Conv2D", {{"filters", filters}, {"kernel_size", kernel}, {"padding", padding}, {"activation", activation}});
}
json dense(int units, const char* activation) { return layer("Dense", {{"units", units}, {"activation", activation}}); }
json pool(const char* class_name) { return layer(class_name, {{"pool_size", 2}}); }
json dropout(double rate) { return layer("Dropout", {{"rate", rate}}); }

// A 3x3 convolution without its bias (BatchNormalization's beta takes its place), then
// BatchNormalization, then the ReLU: the layers TF.js' model.toJSON() writes for it.
Layers conv_bn_relu(int filters) {
    json c = conv(filters, 3, "linear");
    c["config"]["use_bias"] = false;
    return {c, layer("BatchNormalization"), layer("Activation", {{"activation", "relu"}})};
}

Layers operator+(Layers a, const Layers& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// A Sequential config for 28x28x1 images; layer names are left to Keras' defaults.
std::string sequential(const char* name, Layers layers) {
    layers[0]["config"]["batch_input_shape"] = {nullptr, 28, 28, 1};
    return json{{"class_name", "Sequential"}, {"config", {{"name", name}, {"layers", layers}}}}.dump();
}

// The tutorial's network.
std::string basic_cnn() {
    const Layers features = Layers{conv(32, 3, "relu"), conv(32, 3, "relu"), pool("MaxPooling2D"), dropout(0.25),
                                   conv(64, 3, "relu"), conv(64, 3, "relu"), pool("MaxPooling2D"), dropout(0.25)};
    return sequential("Basic_CNN", features + Layers{layer("Flatten"), dense(512, "relu"), dropout(0.5),
                                                     dense(10, "softmax")});
}

// Basic_CNN with BatchNormalization after each convolution.
std::string basic_cnn_bn() {
    const Layers features = conv_bn_relu(32) + conv_bn_relu(32) + Layers{pool("MaxPooling2D"), dropout(0.25)} +
                            conv_bn_relu(64) + conv_bn_relu(64) + Layers{pool("MaxPooling2D"), dropout(0.25)};
    return sequential("Basic_CNN_BN", features + Layers{layer("Flatten"), dense(512, "relu"), dropout(0.5),
                                                        dense(10, "softmax")});
}

// [Conv32-BN-ReLU]×2 → MaxPool → [Conv64-BN-ReLU]×2 → MaxPool → Conv128-BN-ReLU → GAP → Dense10:
// no 1.6 M-weight Dense layer, a twelfth of Basic_CNN's weights.
std::string all_conv_gap() {
    return sequential("AllConv_GAP", conv_bn_relu(32) + conv_bn_relu(32) + Layers{pool("MaxPooling2D")} +
                                         conv_bn_relu(64) + conv_bn_relu(64) + Layers{pool("MaxPooling2D")} +
                                         conv_bn_relu(128) +
                                         Layers{layer("GlobalAveragePooling2D"), dense(10, "softmax")});
}

// LeCun et al. 1998 on 28x28 inputs: the first convolution pads to keep 28x28 (the paper's 32x32
// input), tanh activations, average pooling for the subsampling layers.
std::string lenet5() {
    return sequential("LeNet5", {conv(6, 5, "tanh"), pool("AveragePooling2D"), conv(16, 5, "tanh", "valid"),
                                 pool("AveragePooling2D"), layer("Flatten"), dense(120, "tanh"), dense(84, "tanh"),
                                 dense(10, "softmax")});
}

}  // namespace

const std::vector<Architecture>& architectures() {
    static const std::vector<Architecture> list = {
        {"Basic_CNN", "The tutorial's network: two pairs of 3x3 convolutions, max pooling, dropout, Dense(512).",
         basic_cnn()},
        {"Basic_CNN_BN", "Basic_CNN with BatchNormalization after each convolution (convolution without bias, "
                         "BatchNormalization, ReLU).",
         basic_cnn_bn()},
        {"AllConv_GAP", "Convolutions with BatchNormalization ending in GlobalAveragePooling2D: no large Dense "
                        "layer, a twelfth of Basic_CNN's weights.",
         all_conv_gap()},
        {"LeNet5", "LeCun's LeNet-5: 5x5 convolutions with tanh, average pooling, Dense 120 and 84.", lenet5()},
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
