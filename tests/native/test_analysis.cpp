// The engine's judgement of a network (analyse): shapes and counts, every refusal with the Keras
// field it blames, one bad layer not hiding another, names kept, huge models judged without
// allocating them, the memory verdict the same as the constructor's, and the JSON and text forms.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/analysis.h"
#include "core/architectures.h"
#include "core/keras.h"
#include "core/model_io.h"
#include "core/refuse.h"
#include "core/trainer.h"
#include "helpers.h"

using namespace cnn;
using test::activation;
using test::config_of;
using test::conv;
using test::dense;
using test::dropout;
using test::flatten;
using test::json;
using test::pool;

namespace {

// A layer config with one field changed, or added.
json with(json layer, const char* key, json value) {
    layer["config"][key] = std::move(value);
    return layer;
}

const std::vector<json> kHead = {flatten(), dense(10, "softmax")};

std::vector<json> then_head(std::vector<json> layers) {
    layers.insert(layers.end(), kHead.begin(), kHead.end());
    return layers;
}

// The Keras text of Basic_CNN's summary, as model.summary() prints it.
const char* kBasicCnnSummary = R"(Model: "Basic_CNN"
_____________________________________________________________________
 Layer (type)                    Output Shape              Param #
=====================================================================
 conv2d (Conv2D)                 (None, 28, 28, 32)        320

 conv2d_1 (Conv2D)               (None, 28, 28, 32)        9,248

 max_pooling2d (MaxPooling2D)    (None, 14, 14, 32)        0

 dropout (Dropout)               (None, 14, 14, 32)        0

 conv2d_2 (Conv2D)               (None, 14, 14, 64)        18,496

 conv2d_3 (Conv2D)               (None, 14, 14, 64)        36,928

 max_pooling2d_1 (MaxPooling2D)  (None, 7, 7, 64)          0

 dropout_1 (Dropout)             (None, 7, 7, 64)          0

 flatten (Flatten)               (None, 3136)              0

 dense (Dense)                   (None, 512)               1,606,144

 dropout_2 (Dropout)             (None, 512)               0

 dense_1 (Dense)                 (None, 10)                5,130
=====================================================================
Total params: 1,676,266
Trainable params: 1,676,266
Non-trainable params: 0
_____________________________________________________________________
)";

}  // namespace

TEST_CASE("Basic_CNN: shapes, counts, the memory estimate and the Keras summary") {
    ModelSpec spec = basic_cnn_spec();
    const Analysis a = analyse(spec);
    CHECK(a.valid());
    CHECK(a.error == "");
    CHECK(a.name == "Basic_CNN");
    CHECK(a.input == Shape{28, 28, 1, 3});
    REQUIRE(a.layers.size() == 12);
    CHECK(a.layers[4].name == "conv2d_2");
    CHECK(a.layers[4].class_name == "Conv2D");
    CHECK(*a.layers[4].output == Shape{14, 14, 64, 3});
    CHECK(a.layers[4].params == 3 * 3 * 32 * 64 + 64);
    CHECK(a.total_params == 1676266);
    CHECK(a.trainable_params == 1676266);
    CHECK(a.memory_limit == memory_limit());
    CHECK(a.summary() == kBasicCnnSummary);
    Model m(basic_cnn_spec());
    CHECK(a.training_bytes == m.training_bytes(kReferenceBatch));
    CHECK(m.summary() == kBasicCnnSummary);
}

TEST_CASE("each refusal names the layer and the Keras field to blame") {
    struct Case {
        const char* what;
        std::vector<json> layers;
        size_t layer;
        const char* field;
        const char* error;
    };
    const json c = conv(4, 3, 1, "same", "relu");
    const std::vector<Case> cases = {
        {"unknown class", then_head({{{"class_name", "LSTM"}, {"config", {{"units", 4}}}}}), 0, "class_name",
         "unknown layer class 'LSTM' (supported: InputLayer, Conv2D, MaxPooling2D, Dropout, Flatten, Dense, "
         "Activation, ReLU, LeakyReLU, BatchNormalization, AveragePooling2D, GlobalAveragePooling2D, "
         "GlobalMaxPooling2D, ZeroPadding2D, DepthwiseConv2D, SeparableConv2D, SpatialDropout2D)"},
        {"config not an object",
         {flatten(), {{"class_name", "Dense"}, {"config", 7}}},
         1,
         "config",
         "its config must be an object, not 7"},
        {"no filters", then_head({{{"class_name", "Conv2D"}, {"config", {{"kernel_size", 3}}}}}), 0, "filters",
         "the config has no 'filters'"},
        {"zero filters", then_head({with(c, "filters", 0)}), 0, "filters", "filters must be at least 1 (got 0)"},
        {"too many filters", then_head({with(c, "filters", 70000)}), 0, "filters",
         "filters 70000 is too large (at most 65536)"},
        {"filters not an integer", then_head({with(c, "filters", 2.5)}), 0, "filters",
         "filters must be an integer, not 2.5"},
        {"kernel_size text", then_head({with(c, "kernel_size", "big")}), 0, "kernel_size",
         "kernel_size must be an integer or a pair of integers, not \"big\""},
        {"kernel_size 0", then_head({with(c, "kernel_size", json{0, 3})}), 0, "kernel_size",
         "kernel_size must be at least 1 (got 0)"},
        {"strides 0", then_head({with(c, "strides", 0)}), 0, "strides", "strides must be at least 1 (got 0)"},
        {"padding full", then_head({with(c, "padding", "full")}), 0, "padding",
         "padding must be 'valid' or 'same', not 'full'"},
        {"padding a number", then_head({with(c, "padding", 1)}), 0, "padding", "padding must be a string, not 1"},
        {"channels first", then_head({with(c, "data_format", "channels_first")}), 0, "data_format",
         "only data_format 'channels_last' is supported"},
        {"dilation with strides", then_head({with(with(c, "dilation_rate", 2), "strides", 2)}), 0, "dilation_rate",
         "strides other than 1 cannot be combined with a dilation_rate other than 1"},
        {"dilation 0", then_head({with(c, "dilation_rate", 0)}), 0, "dilation_rate",
         "dilation_rate must be at least 1 (got 0)"},
        {"dilated window too wide", then_head({with(with(c, "dilation_rate", 14), "padding", "valid")}), 0, "kernel_size",
         "a 3x3 'valid' window (spanning 29x29 with dilation_rate 14x14) does not fit the 28x28 input"},
        {"activation mish", then_head({with(c, "activation", "mish")}), 0, "activation",
         "unknown activation 'mish' (expected relu, softmax, sigmoid, tanh, linear, elu, selu, gelu, swish, softplus or relu6)"},
        {"use_bias text", then_head({with(c, "use_bias", "yes")}), 0, "use_bias",
         "use_bias must be true or false, not \"yes\""},
        {"window too large", then_head({conv(4, 5, 1, "valid"), conv(4, 30, 1, "valid")}), 1, "kernel_size",
         "a 30x30 'valid' window does not fit the 24x24 input (None, 24, 24, 4); use padding 'same' or a smaller "
         "window"},
        {"pool too large", then_head({conv(4, 5, 5, "valid"), pool(8, 8, "valid")}), 1, "pool_size",
         "a 8x8 'valid' window does not fit the 5x5 input (None, 5, 5, 4)"},
        {"conv after flatten", then_head({flatten(), c}), 1, "",
         "needs a 3-D input (height, width, channels) but gets (None, 784)"},
        {"dense before flatten",
         {c, dense(10, "softmax")},
         1,
         "",
         "needs a flat input but gets (None, 28, 28, 4); add a Flatten layer before it"},
        {"no units",
         {flatten(), {{"class_name", "Dense"}, {"config", json::object()}}},
         1,
         "units",
         "the config has no 'units'"},
        {"rate 1", then_head({dropout(1)}), 0, "rate", "rate is the fraction dropped and must be in [0, 1) (got 1)"},
        {"rate text", then_head({with(dropout(0.5), "rate", "half")}), 0, "rate",
         "rate must be a number, not \"half\""},
        {"input shape", then_head({c, with(c, "batch_input_shape", json{nullptr, 28, 0, 1})}), 1, "batch_input_shape",
         "batch_input_shape height/width must be at least 1 (got 0)"},
        {"a name given twice",
         {with(flatten(), "name", "same_name"), with(dense(10, "softmax"), "name", "same_name")},
         1,
         "name",
         "two layers are named 'same_name'; layer names must be unique"},
        {"seven classes",
         {flatten(), dense(7, "softmax")},
         1,
         "units",
         "the last layer must give 10 numbers, one per class, but gives (None, 7); end with Dense(10, softmax)"},
        {"an image out", {conv(10, 3, 1, "same", "softmax")}, 0, "", "but gives (None, 28, 28, 10)"},
        {"no softmax", {flatten(), dense(10, "relu")}, 1, "activation", "the model must end with a softmax activation"},
        {"ends with dropout",
         {flatten(), dense(10, "softmax"), dropout(0.5)},
         2,
         "",
         "the model must end with a softmax activation"},
        {"too big",
         {flatten(), dense(1000000000), dense(10, "softmax")},
         1,
         "",
         "brings the model to 785,000,000,000 parameters, which would need about 1.19e+04 GiB for training; the limit "
         "is 1.5 GiB"},
    };
    for (const Case& k : cases) {
        const std::string what = k.what;
        CAPTURE(what);
        const Analysis a = analyse(config_of({28, 28, 1}, k.layers));
        CHECK(!a.valid());
        REQUIRE(a.layers.size() == k.layers.size());
        const LayerAnalysis& l = a.layers[k.layer];
        CHECK_MESSAGE(test::contains(l.error, k.error), l.error);
        CHECK(l.field == k.field);
        CHECK(a.error == l.name + " (" + l.class_name + "): " + l.error);
        for (size_t i = 0; i < k.layer; ++i) CHECK(a.layers[i].error == "");
        for (size_t i = k.layer + 1; i < a.layers.size(); ++i) CHECK(!a.layers[i].output);
        // The constructor refuses it in the same words.
        ModelSpec spec = read_model_config(config_of({28, 28, 1}, k.layers));
        CHECK(test::error_of([&] { Model m(std::move(spec), AnalysisOptions{}); }) == a.refusal);
    }
}

TEST_CASE("one bad layer does not hide another; shapes stop at the first") {
    const Analysis a = analyse(config_of({28, 28, 1}, {conv(8, 3, 1, "same"),
                                                       {{"class_name", "Conv3D"}},
                                                       pool(2, 2, "valid"),
                                                       with(dense(10), "activation", "mish"),
                                                       dense(10, "softmax")}));
    REQUIRE(a.layers.size() == 5);
    CHECK(*a.layers[0].output == Shape{28, 28, 8, 3});
    CHECK(a.layers[0].params == 80);
    CHECK(test::contains(a.layers[1].error, "unknown layer class 'Conv3D'"));
    CHECK(a.layers[1].name == "conv3d");  // Keras' default name for the class as written
    CHECK(a.layers[2].error == "");
    CHECK(!a.layers[2].output);
    CHECK(a.layers[2].name == "max_pooling2d");
    CHECK(test::contains(a.layers[3].error, "unknown activation 'mish'"));
    CHECK(a.layers[3].field == "activation");
    CHECK(!a.layers[4].output);
    CHECK(a.total_params == 80);
    CHECK(test::contains(a.error, "conv3d (Conv3D): unknown layer class 'Conv3D'"));
    CHECK(test::contains(a.summary(), " max_pooling2d (MaxPooling2D)    ?"));
}

TEST_CASE("problems of the whole description leave no layers to blame") {
    struct Case {
        std::string config, error;
    };
    for (
        const Case& k : std::vector<Case>{
            {"{nope", "the model description is not valid JSON"},
            {"[]", "the model has no layers"},
            {R"({"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1]}}]}})",
             "the model has no layers"},
            {R"({"class_name": "Functional", "config": {"layers": [{"class_name": "Flatten", "name": "a", "inbound_nodes": []},
                 {"class_name": "Flatten", "name": "b", "inbound_nodes": []}]}})",
             "the model has several inputs ('a', 'b'); only one is supported"},
            {R"([{"class_name": "Flatten"}, 3])", "each layer must be an object with a \"class_name\", not 3"},
        }) {
        CAPTURE(k.config);
        const Analysis a = analyse(k.config);
        CHECK(!a.valid());
        CHECK(test::contains(a.error, k.error));
        CHECK(a.refusal == a.error);
        for (const auto& l : a.layers) CHECK(!l.output);
    }
    // The layers read before the problem are listed.
    CHECK(analyse(R"([{"class_name": "Flatten"}, 3])").layers.size() == 1);
}

TEST_CASE("the names a config gives survive analysis, building, saving, the topology and loading") {
    const std::string config = json{{"class_name", "Sequential"},
                                    {"config",
                                     {{"name", "my_net"},
                                      {"layers",
                                       {with(with(conv(4, 3, 1, "same", "relu"), "name", "conv_big"),
                                             "batch_input_shape", json{nullptr, 28, 28, 1}),
                                        flatten(), with(dense(10, "softmax"), "name", "scores")}}}}}
                                   .dump();
    const Analysis a = analyse(config);
    CHECK(a.name == "my_net");
    CHECK(a.layers[0].name == "conv_big");
    CHECK(a.layers[1].name == "flatten");
    CHECK(a.layers[2].name == "scores");
    Model m(read_model_config(config));
    CHECK(m.name() == "my_net");
    CHECK(m.layers()[0]->name == "conv_big");
    const json topology = json::parse(model_topology_json(m));
    CHECK(topology["config"]["name"] == "my_net");
    CHECK(topology["config"]["layers"][0]["config"]["name"] == "conv_big");
    CHECK(topology["config"]["layers"][2]["config"]["name"] == "scores");
    Rng rng(1);
    m.init_weights(rng);
    const SavedModel saved = save_model(m);
    CHECK(test::contains(saved.model_json, R"("name":"conv_big/kernel")"));
    CHECK(test::contains(saved.model_json, R"("name":"scores/bias")"));
    const Model back = load_model(saved.model_json, saved.weights);
    CHECK(back.name() == "my_net");
    CHECK(back.layers()[2]->name == "scores");
    CHECK(back.params() == m.params());
    CHECK(model_topology_json(back) == model_topology_json(m));
}

TEST_CASE("a huge model is judged without allocating its weights") {
    // Flatten → Dense(10^9): 785 billion weights, 3 TB of them. Analysing them with no memory limit
    // would fail (or take minutes) if it allocated anything of that size.
    const std::string huge = config_of({28, 28, 1}, {flatten(), dense(1000000000), dense(10, "softmax")});
    AnalysisOptions unlimited;
    unlimited.memory_limit = int64_t{1} << 62;
    const Analysis a = analyse(huge, unlimited);
    CHECK(a.valid());
    CHECK(a.total_params == int64_t{785000000000} + int64_t{10000000010});
    CHECK(a.training_bytes > 1e13);
    const Analysis refused = analyse(huge);
    CHECK(!refused.valid());
    CHECK(refused.layers[1].field == "");
    CHECK(*refused.layers[1].output == Shape{1, 1, 1000000000, 1});
    CHECK(refused.refusal == "Dense 'dense' (None, 1000000000) " + refused.layers[1].error);
}

TEST_CASE("the memory verdict is the constructor's: the same models refused, in the same words") {
    const std::vector<std::vector<json>> models = {
        {flatten(), dense(50000), dense(10, "softmax")},
        {conv(64, 3, 1, "same", "relu"), conv(64, 3, 1, "same", "relu"), flatten(), dense(10, "softmax")},
        {conv(8, 3, 1, "same"), pool(2, 2, "valid"), flatten(), dense(2000), dense(10, "softmax")},
    };
    for (int64_t limit : {int64_t{20} << 20, int64_t{100} << 20, int64_t{400} << 20, kDefaultMemoryLimit}) {
        set_memory_limit(limit);
        for (const auto& layers : models) {
            CAPTURE(limit);
            const std::string config = config_of({28, 28, 1}, layers);
            const Analysis a = analyse(config);
            const std::string thrown = test::error_of([&] { Model m(read_model_config(config)); });
            CHECK(a.memory_limit == limit);
            CHECK(thrown == a.refusal);
            CHECK(a.valid() == thrown.empty());
            if (a.valid()) CHECK(a.training_bytes == Model(read_model_config(config)).training_bytes(kReferenceBatch));
            else CHECK(test::contains(a.refusal, "the limit is " + format_bytes(double(limit))));
        }
    }
    set_memory_limit(kDefaultMemoryLimit);
}

TEST_CASE("analyse_json: the contract's JSON, options, and bad options reported, not thrown") {
    const std::string basic = model_topology_json(Model(basic_cnn_spec()));
    json j = json::parse(analyse_json(basic, ""));
    CHECK(j["valid"] == true);
    CHECK(j["error"].is_null());
    CHECK(j["name"] == "Basic_CNN");
    CHECK(j["input_shape"] == json{28, 28, 1});
    CHECK(j["total_params"] == 1676266);
    CHECK(j["trainable_params"] == 1676266);
    CHECK(j["non_trainable_params"] == 0);
    CHECK(j["memory_limit"] == memory_limit());
    CHECK(j["summary"] == kBasicCnnSummary);
    CHECK(j["layers"][0] == json{{"name", "conv2d"},
                                 {"class_name", "Conv2D"},
                                 {"output_shape", {nullptr, 28, 28, 32}},
                                 {"params", 320},
                                 {"trainable_params", 320},
                                 {"error", nullptr},
                                 {"field", nullptr}});
    CHECK(j["layers"][8]["output_shape"] == json{nullptr, 3136});

    // A smaller limit refuses Basic_CNN (about 50 MiB for training).
    j = json::parse(analyse_json(basic, R"({"memory_limit": 41943040})"));
    CHECK(j["valid"] == false);
    CHECK(j["memory_limit"] == 41943040);
    CHECK(j["layers"][9]["error"] ==
          "brings the model to 1,671,136 parameters, which would need about 49.6 MiB for training; "
          "the limit is 40 MiB");
    CHECK(j["layers"][9]["output_shape"] == json{nullptr, 512});
    CHECK(j["layers"][10]["output_shape"].is_null());
    CHECK(j["error"] == "dense (Dense): " + j["layers"][9]["error"].get<std::string>());

    // The data's images: a model for others is refused.
    j = json::parse(analyse_json(basic, R"({"input_shape": [32, 32, 1]})"));
    CHECK(j["error"] == "the model takes (None, 28, 28, 1) inputs but the images are (None, 32, 32, 1)");
    j = json::parse(analyse_json(
        R"([{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}])",
        R"({"input_shape": [32, 32, 1]})"));
    CHECK(j["valid"] == true);  // a config that states no input takes the data's
    CHECK(j["layers"][0]["output_shape"] == json{nullptr, 1024});

    for (const char* bad : {"{", "[]", R"({"memory_limit": "big"})", R"({"classes": 5})",
                            R"({"input_shape": [28, 28]})", R"({"input_shape": [28, 28, 0]})"}) {
        CAPTURE(bad);
        j = json::parse(analyse_json(basic, bad));
        CHECK(j["valid"] == false);
        CHECK(test::contains(j["error"].get<std::string>(), "the analysis option"));
        CHECK(j["layers"].size() == 12);  // the network is still described
    }
    j = json::parse(analyse_json("{nope", "{}"));
    CHECK(j["valid"] == false);
    CHECK(j["layers"].empty());
}

TEST_CASE("limits() states the constants the engine checks") {
    const json j = json::parse(limits_json());
    CHECK(j["batch_size"] == json{kMinBatchSize, kMaxBatchSize});
    CHECK(j["batch_size"] == json{1, 4096});
    CHECK(j["epochs"] == json{1, 1000});
    CHECK(j["learning_rate"] == json{1e-6, 10.0});
    CHECK(j["dropout_rate"] == json{0, 1.0});
    CHECK(j["exclusive_max"] == json{"dropout_rate", "momentum", "beta", "rho", "validation_split", "reduce_factor"});
    CHECK(j["classes"] == json{10, 10});
    CHECK(j["filters"] == json{1, 65536});
    CHECK(j["window"] == json{1, 4096});
    CHECK(j["memory_limit"] == memory_limit());
    // The trainer refuses just past them.
    TrainConfig c;
    c.batch_size = kMaxBatchSize + 1;
    CHECK(test::error_of([&] { check_training(c); }) == "batch size must be between 1 and 4096 (got 4097)");
    c.batch_size = kMaxBatchSize, c.epochs = kMaxEpochs + 1;
    CHECK(test::error_of([&] { check_training(c); }) == "epochs must be between 1 and 1000 (got 1001)");
    c.epochs = kMaxEpochs;
    CHECK(test::error_of([&] { check_training(c); }) == "");
    c.optimizer.learning_rate = Schedule::constant(11);
    CHECK(test::contains(test::error_of([&] { check_training(c); }),
                         "the learning rate must be between 1e-06 and 10 (got 11)"));
}

TEST_CASE("the ready architectures are valid MNIST classifiers of the expected sizes") {
    struct Case {
        const char* name;
        int64_t trainable, non_trainable;
    };
    // Basic_CNN_BN: Basic_CNN without the four conv biases (192) plus gamma and beta (384);
    // AllConv_GAP: 138,528 conv weights, 640 BN trainable, Dense 1,290.
    for (auto c : {Case{"Basic_CNN", 1676266, 0}, Case{"Basic_CNN_BN", 1676458, 384}, Case{"AllConv_GAP", 140458, 640},
                   Case{"LeNet5", 61706, 0}}) {
        CAPTURE(c.name);
        std::optional<ModelSpec> spec = architecture_spec(c.name);
        REQUIRE(spec);
        const Analysis a = analyse(*spec);
        CHECK(a.valid());
        CHECK(a.name == c.name);
        CHECK(a.trainable_params == c.trainable);
        CHECK(a.total_params - a.trainable_params == c.non_trainable);
    }
    CHECK(!architecture_spec("ResNet50"));
    const auto list = nlohmann::json::parse(architectures_json());
    CHECK(list.size() == architectures().size());
    CHECK(list[1]["config"]["config"]["layers"][1]["class_name"] == "BatchNormalization");
}

TEST_CASE("the layer schema lists every kind with its Keras fields, types and defaults") {
    const auto schema = nlohmann::json::parse(layer_schema_json());
    REQUIRE(schema.size() == layer_kinds().size());
    auto field = [&](const std::string& kind, const std::string& name) {
        for (const auto& k : schema)
            if (k["class_name"] == kind)
                for (const auto& f : k["fields"])
                    if (f["name"] == name) return f;
        return nlohmann::json();
    };
    CHECK(field("Conv2D", "filters")["required"] == true);
    CHECK(field("Conv2D", "filters")["type"] == "integer");
    CHECK(field("Conv2D", "padding")["choices"] == nlohmann::json{"valid", "same"});
    CHECK(field("BatchNormalization", "momentum")["default"] == 0.99);
    CHECK(field("BatchNormalization", "epsilon")["default"] == 1e-3);
    CHECK(field("BatchNormalization", "gamma_initializer")["default"]["class_name"] == "Ones");
    CHECK(field("LeakyReLU", "alpha")["default"] == 0.3);
    CHECK(field("ReLU", "max_value")["default"].is_null());  // None: no cap
    CHECK(field("Dense", "kernel_regularizer")["type"] == "regularizer");
    CHECK(field("ZeroPadding2D", "padding")["default"] == nlohmann::json{{1, 1}, {1, 1}});
    const auto activations = field("Dense", "activation")["choices"];
    for (const char* name : {"gelu", "swish", "relu6", "selu", "elu", "softplus"})
        CHECK(std::find(activations.begin(), activations.end(), name) != activations.end());
}

TEST_CASE("every kind's config written by the engine reads back the same") {
    for (const auto& a : architectures()) {
        CAPTURE(a.name);
        Model m(*architecture_spec(a.name));
        const std::string topology = model_topology_json(m);
        Model again(read_model_config(topology));
        CHECK(model_topology_json(again) == topology);
    }
    const std::string odd = config_of({8, 8, 2}, {
        {{"class_name", "ZeroPadding2D"}, {"config", {{"padding", {{1, 2}, {0, 1}}}}}},
        {{"class_name", "DepthwiseConv2D"}, {"config", {{"kernel_size", 3}, {"depth_multiplier", 2}, {"activation", "gelu"},
            {"depthwise_initializer", {{"class_name", "HeNormal"}, {"config", {{"seed", 3}}}}},
            {"depthwise_regularizer", {{"class_name", "L2"}, {"config", {{"l2", 0.001}}}}}}}},
        {{"class_name", "SeparableConv2D"}, {"config", {{"filters", 4}, {"kernel_size", 2}, {"padding", "same"}}}},
        {{"class_name", "ReLU"}, {"config", {{"max_value", 6.0}, {"negative_slope", 0.1}}}},
        {{"class_name", "SpatialDropout2D"}, {"config", {{"rate", 0.2}}}},
        {{"class_name", "AveragePooling2D"}, {"config", {{"pool_size", 2}, {"padding", "same"}}}},
        {{"class_name", "BatchNormalization"}, {"config", {{"momentum", 0.9}, {"center", false}}}},
        {{"class_name", "LeakyReLU"}, {"config", {{"alpha", 0.2}}}},
        {{"class_name", "GlobalMaxPooling2D"}, {"config", nlohmann::json::object()}},
        dense(10, "softmax")});
    Model m(read_model_config(odd));
    const std::string topology = model_topology_json(m);
    Model again(read_model_config(topology));
    CHECK(model_topology_json(again) == topology);
    const auto written = nlohmann::json::parse(topology)["config"]["layers"];
    CHECK(written[1]["config"]["depthwise_initializer"] ==
          nlohmann::json{{"class_name", "HeNormal"}, {"config", {{"seed", 3}}}});
    CHECK(written[1]["config"]["depthwise_regularizer"]["config"]["l2"] == 0.001);
    CHECK(written[3]["config"]["max_value"] == 6.0);
}
