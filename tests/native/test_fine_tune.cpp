// Fine-tuning the shipped model on 30 digits it gets wrong (MNIST digits thinned, slanted and
// moved off-centre here), with MNIST replay: it learns them and keeps its MNIST accuracy.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "core/fine_tune.h"
#include "core/model_io.h"
#include "core/parallel.h"
#include "helpers.h"

using namespace cnn;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), path << " is missing: run npm ci first");
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

Dataset mnist(const std::string& prefix) {
    return parse_idx(read_file(test::mnist_dir() + "/" + prefix + "-images-idx3-ubyte"),
                     read_file(test::mnist_dir() + "/" + prefix + "-labels-idx1-ubyte"));
}

Model shipped_model() {
    const std::vector<uint8_t> json = read_file("public/models/basic-cnn/model.json");
    return load_model(std::string(json.begin(), json.end()), read_file("public/models/basic-cnn/weights.bin"));
}

using Image = std::vector<uint8_t>;  // 28 × 28

uint8_t at(const Image& im, int y, int x) { return y < 0 || y >= 28 || x < 0 || x >= 28 ? 0 : im[y * 28 + x]; }

// Strokes one pixel thinner: each pixel the least of itself and its four neighbours.
Image thinned(const Image& im) {
    Image out(784);
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            out[y * 28 + x] = std::min({at(im, y, x), at(im, y - 1, x), at(im, y + 1, x), at(im, y, x - 1), at(im, y, x + 1)});
    return out;
}

// Leaning right by `shear` pixels per row above the centre (nearest pixel).
Image slanted(const Image& im, float shear) {
    Image out(784);
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) out[y * 28 + x] = at(im, y, x - int(std::lround(shear * (14 - y))));
    return out;
}

// Moved by (dy, dx) pixels, what leaves the field lost.
Image moved(const Image& im, int dy, int dx) {
    Image out(784);
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) out[y * 28 + x] = at(im, y - dy, x - dx);
    return out;
}

int predicted(Model& m, const Image& im) {
    std::vector<float> x(784);
    for (int i = 0; i < 784; ++i) x[i] = im[i] / 255.0f;
    const std::vector<float> p = predict(m, x.data());
    return int(std::max_element(p.begin(), p.end()) - p.begin());
}

}  // namespace

TEST_CASE("fine-tuning on 30 misread digits teaches at least 25 and costs at most 0.3 points on MNIST; undo is exact") {
    set_num_threads(2);
    Model model = shipped_model();
    const Dataset train = mnist("train"), test = mnist("t10k");

    // Training digits, distorted, that the model misreads.
    Dataset own;
    own.rows = own.cols = 28;
    for (int64_t i = 55000; i < train.count && own.count < 30; ++i) {
        const Image original(train.images.begin() + i * 784, train.images.begin() + (i + 1) * 784);
        const int shift = (i % 2 ? 7 : -7);
        const Image candidates[] = {moved(thinned(original), shift, -shift), moved(slanted(original, 0.6f), 0, shift),
                                    thinned(slanted(original, -0.7f)), moved(original, shift, shift)};
        const Image& image = candidates[i % 4];
        if (predicted(model, image) == train.labels[i]) continue;
        own.images.insert(own.images.end(), image.begin(), image.end());
        own.labels.push_back(train.labels[i]);
        ++own.count;
    }
    REQUIRE(own.count == 30);

    const double before = evaluate(model, test).accuracy;
    const WeightsSnapshot original(model);
    FineTuning tuning(model, own, train);
    StepStats s;
    while (!tuning.done()) s = tuning.run(50);
    CHECK(s.step == FineTuneConfig{}.steps);

    int taught = 0;
    for (int64_t i = 0; i < own.count; ++i) {
        const Image image(own.images.begin() + i * 784, own.images.begin() + (i + 1) * 784);
        taught += predicted(model, image) == own.labels[i];
    }
    const double after = evaluate(model, test).accuracy;
    MESSAGE("taught " << taught << "/30; MNIST test accuracy " << before * 100 << "% -> " << after * 100 << "%");
    CHECK(taught >= 25);
    CHECK(after >= before - 0.003);

    tuning.undo();
    CHECK(model.params() == original.params);
    CHECK(model.non_trainable() == original.non_trainable);
    set_num_threads(1);
}

TEST_CASE("fine-tuning refuses what it cannot use, naming it") {
    Model model(basic_cnn_spec());
    Dataset own, replay;
    own.rows = own.cols = replay.rows = replay.cols = 28;
    replay.count = 1, replay.images.assign(784, 0), replay.labels = {3};
    CHECK(test::contains(test::error_of([&] { FineTuning(model, own, replay); }), "at least one image of your own"));
    own.count = 1, own.images.assign(784, 0), own.labels = {12};
    CHECK(test::contains(test::error_of([&] { FineTuning(model, own, replay); }), "label 12"));
    own.labels = {4};
    FineTuneConfig c;
    c.own_per_batch = 40;
    CHECK(test::contains(test::error_of([&] { FineTuning(model, own, replay, c); }), "own_per_batch"));
    c = {};
    c.steps = 0;
    CHECK(test::contains(test::error_of([&] { FineTuning(model, own, replay, c); }), "at least 1 step (got 0)"));
    c.steps = 10000;
    CHECK(test::contains(test::error_of([&] { FineTuning(model, own, replay, c); }),
                         "at most 160000 images (steps 10000 x batch size 32)"));
    Dataset empty;
    CHECK(test::contains(test::error_of([&] { FineTuning(model, own, empty); }), "load it first"));
}
