// Keras/TF.js model descriptions in, TF.js Layers models out and back.
#include <doctest/doctest.h>

#include <cstring>
#include <limits>

#include "core/model_io.h"
#include "helpers.h"

using namespace cnn;

namespace {

// The tutorial's functional model as Keras 2 / TF.js serialise it (model.to_json()).
const char* kTutorialFunctional = R"({"class_name": "Functional", "config": {"name": "Basic_CNN", "layers": [
 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1], "dtype": "float32", "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
 {"class_name": "Conv2D", "config": {"name": "conv2d", "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "SAME", "activation": "linear", "use_bias": true}, "name": "conv2d", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
 {"class_name": "Activation", "config": {"name": "activation", "activation": "relu"}, "name": "activation", "inbound_nodes": [[["conv2d", 0, 0, {}]]]},
 {"class_name": "Conv2D", "config": {"name": "conv2d_1", "filters": 32, "kernel_size": [3, 3], "padding": "SAME"}, "name": "conv2d_1", "inbound_nodes": [[["activation", 0, 0, {}]]]},
 {"class_name": "Activation", "config": {"name": "activation_1", "activation": "relu"}, "name": "activation_1", "inbound_nodes": [[["conv2d_1", 0, 0, {}]]]},
 {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d", "pool_size": [2, 2], "strides": null, "padding": "valid"}, "name": "max_pooling2d", "inbound_nodes": [[["activation_1", 0, 0, {}]]]},
 {"class_name": "Dropout", "config": {"name": "dropout", "rate": 0.25}, "name": "dropout", "inbound_nodes": [[["max_pooling2d", 0, 0, {}]]]},
 {"class_name": "Conv2D", "config": {"name": "conv2d_2", "filters": 64, "kernel_size": 3, "padding": "same"}, "name": "conv2d_2", "inbound_nodes": [[["dropout", 0, 0, {}]]]},
 {"class_name": "Activation", "config": {"name": "activation_2", "activation": "relu"}, "name": "activation_2", "inbound_nodes": [[["conv2d_2", 0, 0, {}]]]},
 {"class_name": "Conv2D", "config": {"name": "conv2d_3", "filters": 64, "kernel_size": [3, 3], "padding": "same"}, "name": "conv2d_3", "inbound_nodes": [[["activation_2", 0, 0, {}]]]},
 {"class_name": "Activation", "config": {"name": "activation_3", "activation": "relu"}, "name": "activation_3", "inbound_nodes": [[["conv2d_3", 0, 0, {}]]]},
 {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d_1", "pool_size": [2, 2]}, "name": "max_pooling2d_1", "inbound_nodes": [[["activation_3", 0, 0, {}]]]},
 {"class_name": "Dropout", "config": {"name": "dropout_1", "rate": 0.25}, "name": "dropout_1", "inbound_nodes": [[["max_pooling2d_1", 0, 0, {}]]]},
 {"class_name": "Flatten", "config": {"name": "flatten"}, "name": "flatten", "inbound_nodes": [[["dropout_1", 0, 0, {}]]]},
 {"class_name": "Dense", "config": {"name": "dense", "units": 512}, "name": "dense", "inbound_nodes": [[["flatten", 0, 0, {}]]]},
 {"class_name": "Activation", "config": {"name": "activation_4", "activation": "relu"}, "name": "activation_4", "inbound_nodes": [[["dense", 0, 0, {}]]]},
 {"class_name": "Dropout", "config": {"name": "dropout_2", "rate": 0.5}, "name": "dropout_2", "inbound_nodes": [[["activation_4", 0, 0, {}]]]},
 {"class_name": "Dense", "config": {"name": "dense_1", "units": 10}, "name": "dense_1", "inbound_nodes": [[["dropout_2", 0, 0, {}]]]},
 {"class_name": "Activation", "config": {"name": "activation_5", "activation": "softmax"}, "name": "activation_5", "inbound_nodes": [[["dense_1", 0, 0, {}]]]}
 ], "input_layers": [["input_1", 0, 0]], "output_layers": [["activation_5", 0, 0]]}})";

}  // namespace

TEST_CASE("the tutorial's functional chain reads as Basic_CNN") {
    Model m(read_model_config(kTutorialFunctional));
    CHECK(m.name() == "Basic_CNN");
    CHECK(m.param_count() == 1676266);
    CHECK(m.layers().size() == 18);
    CHECK(m.layers()[0]->out == Shape{28, 28, 32, 3});  // 'SAME' as the tutorial spells it
    CHECK(m.layers()[4]->out == Shape{14, 14, 32, 3});  // strides null → the pool size
    CHECK(m.output_shape() == Shape{1, 1, 10, 1});
    CHECK(m.ends_with_softmax());
}

TEST_CASE("Sequential configs: TF.js model.json, Keras config, bare layer list") {
    const char* seq = R"({"modelTopology": {"class_name": "Sequential", "config": {"name": "tiny", "layers": [
        {"class_name": "Flatten", "config": {"batch_input_shape": [null, 4, 4, 1]}},
        {"class_name": "Dense", "config": {"units": 3, "activation": "softmax"}}]}}})";
    Model m(read_model_config(seq));
    CHECK(m.name() == "tiny");
    CHECK(m.input_shape() == Shape{4, 4, 1, 3});
    CHECK(m.layers()[1]->name == "dense");
    CHECK(m.param_count() == 16 * 3 + 3);
    Model bare(read_model_config(R"([{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 10}}])"));
    CHECK(bare.input_shape() == Shape{28, 28, 1, 3});  // MNIST by default
}

TEST_CASE("bad model descriptions name the problem") {
    auto refusal = [](const char* config) { return test::error_of([&] { Model m(read_model_config(config)); }); };
    CHECK(test::contains(refusal("{nope"), "is not valid JSON"));
    CHECK(test::contains(refusal(R"([{"class_name": "LSTM", "config": {"name": "l"}}])"),
                         "LSTM 'l': unknown layer class 'LSTM' (supported: InputLayer, Conv2D, MaxPooling2D, Dropout, "
                         "Flatten, Dense, Activation, ReLU, LeakyReLU, BatchNormalization, AveragePooling2D, "
                         "GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D, DepthwiseConv2D, SeparableConv2D, "
                         "SpatialDropout2D)"));
    CHECK(test::contains(refusal(R"([{"class_name": "Dense", "config": {"units": 3, "activation": "mish"}}])"),
                         "Dense 'dense': unknown activation 'mish' (expected relu, softmax, sigmoid, tanh, linear, elu, "
                         "selu, gelu, swish, softplus or relu6)"));
    CHECK(test::contains(refusal(R"([{"class_name": "Conv2D", "config": {"filters": 3, "kernel_size": "big"}}])"),
                         "kernel_size must be an integer or a pair of integers"));
    CHECK(test::contains(refusal(R"([{"class_name": "Dense", "config": {}}])"),
                         "Dense 'dense': the config has no 'units'"));
}

TEST_CASE("save → load is bit-exact and predicts the same") {
    Model m(basic_cnn_spec());
    Rng rng(7);
    m.init_weights(rng);
    SavedModel saved = save_model(m, R"({"test_accuracy": 0.5})");
    CHECK(saved.weights.size() == 4 * 1676266);
    CHECK(test::contains(saved.model_json, R"("name":"conv2d/kernel","shape":[3,3,1,32])"));
    CHECK(test::contains(saved.model_json, R"("userDefinedMetadata":{"test_accuracy":0.5})"));
    CHECK(weight_shard_paths(saved.model_json) == std::vector<std::string>{"weights.bin"});
    Model back = load_model(saved.model_json, saved.weights);
    CHECK(back.params() == m.params());
    CHECK(model_topology_json(back) == model_topology_json(m));
    auto x = test::random_vector(784, rng, 0, 1);
    std::vector<float> a(m.forward(x.data(), 1, false), m.forward(x.data(), 1, false) + 10);
    const float* b = back.forward(x.data(), 1, false);
    for (int k = 0; k < 10; ++k) CHECK(a[k] == b[k]);
}

TEST_CASE("loading refuses weights that do not fit the topology") {
    Model m(basic_cnn_spec());
    SavedModel saved = save_model(m);
    auto short_weights = saved.weights;
    short_weights.resize(100);
    CHECK(test::contains(test::error_of([&] { load_model(saved.model_json, short_weights); }),
                         "the weights file has 100 bytes but model.json's weightsManifest describes 6705064"));
    auto nan_weights = saved.weights;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(nan_weights.data() + 8, &nan, 4);
    CHECK(test::contains(test::error_of([&] { load_model(saved.model_json, nan_weights); }),
                         "weight 'conv2d/kernel' holds a non-finite value"));
    std::string wrong_shape = saved.model_json;
    wrong_shape.replace(wrong_shape.find("[3,3,1,32]"), 10, "[3,3,2,16]");
    CHECK(test::contains(test::error_of([&] { load_model(wrong_shape, saved.weights); }),
                         "weight 'conv2d/kernel' has shape [3, 3, 2, 16] but layer needs [3, 3, 1, 32]"));
    CHECK(test::contains(test::error_of([&] { load_model("{}", saved.weights); }), "has no modelTopology"));
}
