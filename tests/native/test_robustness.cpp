// Bad input never crashes: IDX files, model files and architectures that must be refused with a
// message naming the problem, a diverging run that keeps its last good weights, and the cnn CLI
// itself (one line on stderr, exit 1, no sanitizer report) for missing files and corrupt gzip.
#include <doctest/doctest.h>

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <new>
#include <sstream>

#include "core/dataset.h"
#include "core/parallel.h"
#include "core/model_io.h"
#include "core/trainer.h"
#include "helpers.h"

using namespace cnn;
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> idx(uint8_t type, std::vector<uint32_t> dims, size_t body, uint8_t fill = 1) {
    std::vector<uint8_t> b = {0, 0, type, uint8_t(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
    b.resize(b.size() + body, fill);
    return b;
}

std::string images_error(std::vector<uint8_t> images) {
    return test::error_of([&] { parse_idx_images(std::move(images), "img.idx"); });
}

std::string pair_error(std::vector<uint8_t> images, std::vector<uint8_t> labels) {
    return test::error_of([&] { parse_idx(std::move(images), std::move(labels), "img.idx", "lbl.idx"); });
}

// A tiny model in the TF.js format, saved by save_model: input 4x4x1, Flatten, Dense(10, softmax).
SavedModel tiny_saved() {
    Model m(read_model_config(R"([{"class_name": "Flatten", "config": {"batch_input_shape": [null, 4, 4, 1]}},
                                   {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}])"));
    Rng rng(3);
    m.init_weights(rng);
    return save_model(m);
}

std::string load_error(const std::string& model_json, const std::vector<uint8_t>& weights) {
    return test::error_of([&] { load_model(model_json, weights); });
}

std::string config_error(const std::string& config) {
    return test::error_of([&] { Model m(read_model_config(config)); });
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "'" << from << "' not in the text");
    return text.replace(at, from.size(), to);
}

void put_float(std::vector<uint8_t>& bytes, size_t index, float v) { std::memcpy(bytes.data() + 4 * index, &v, 4); }

}  // namespace

TEST_CASE("IDX: swapped or wrong magic numbers, and other type codes") {
    // The magic 0x00000803 written little-endian, as a naive writer would.
    CHECK(test::contains(images_error({3, 8, 0, 0, 0, 0, 0, 1}), "img.idx: not an IDX file"));
    // Right type, wrong dimension count for images (a labels file) and for labels (an images file).
    CHECK(test::contains(images_error(idx(8, {5}, 5)), "has 1 dimensions but images need 3"));
    CHECK(test::contains(pair_error(idx(8, {1, 2, 2}, 4), idx(8, {1, 2, 2}, 4)), "lbl.idx: has 3 dimensions but labels need 1"));
    // Signed bytes, shorts, ints, floats, doubles: only unsigned bytes are pixels.
    for (uint8_t type : {0x09, 0x0b, 0x0c, 0x0d, 0x0e}) {
        INFO("type 0x" << std::hex << int(type));
        CHECK(test::contains(images_error(idx(type, {1, 2, 2}, 4)), "is not supported (expected 0x08, unsigned bytes)"));
    }
}

TEST_CASE("IDX: dimensions whose product overflows, and counts larger than the file") {
    // 2^32 - 1 images of 4096x4096: 2^56 bytes, still exact in 64 bits, refused as truncated.
    CHECK(test::contains(images_error(idx(8, {0xffffffffu, 4096, 4096}, 16)),
                         "is truncated: the header promises 4294967295 images of 4096x4096 (72057594021150720 bytes)"));
    // Rows x cols alone would overflow 32 bits.
    CHECK(test::contains(images_error(idx(8, {1, 0x10000, 0x10000}, 0)), "larger than 4096x4096"));
    CHECK(test::contains(images_error(idx(8, {1, 1, 0xffffffffu}, 0)), "larger than 4096x4096"));
    // A labels header promising 2^32 - 1 labels in a short file.
    CHECK(test::contains(pair_error(idx(8, {1, 2, 2}, 4), idx(8, {0xffffffffu}, 1)),
                         "lbl.idx: the header promises 4294967295 labels but the file holds 1 (truncated)"));
}

TEST_CASE("IDX: empty, truncated and zero-sized files and images") {
    CHECK(pair_error(idx(8, {1, 2, 2}, 4), {}) == "lbl.idx: the file is empty");
    CHECK(test::contains(pair_error(idx(8, {1, 2, 2}, 4), {0, 0, 8}), "lbl.idx: the file is too short"));
    CHECK(test::contains(pair_error(idx(8, {1, 2, 2}, 4), {0, 0, 8, 1, 0, 0}), "lbl.idx: the IDX header is truncated"));
    CHECK(test::contains(images_error({0, 0, 8, 3, 0, 0, 0, 1, 0, 0}), "img.idx: the IDX header is truncated"));
    CHECK(test::contains(images_error(idx(8, {0, 28, 28}, 0)), "holds no images (count is 0)"));
    CHECK(test::contains(images_error(idx(8, {3, 28, 0}, 0)), "images of size 28x0 are empty"));
    CHECK(test::contains(pair_error(idx(8, {2, 2, 2}, 8), idx(8, {2}, 2, 255)), "label 255 of image 0 is outside 0-9"));
}

TEST_CASE("IDX: images that are not 28x28 do not fit a 28x28 model") {
    Dataset d = parse_idx(idx(8, {2, 32, 32}, 2 * 32 * 32), idx(8, {2}, 2), "big.idx", "lbl.idx");
    Model basic(basic_cnn_spec());
    const std::string err = test::error_of([&] { check_compatible(basic, d, "training"); });
    CHECK(err == "the training images are 32x32 but the model 'Basic_CNN' expects (None, 28, 28, 1) inputs");
    CHECK(test::error_of([&] { Trainer t(basic, d, TrainConfig{}); }) == err);
    CHECK(test::contains(test::error_of([&] { evaluate(basic, d); }), "the test images are 32x32"));
    Dataset narrow = parse_idx(idx(8, {1, 28, 27}, 28 * 27), idx(8, {1}, 1));
    CHECK(test::contains(test::error_of([&] { check_compatible(basic, narrow, "test"); }), "the test images are 28x27"));
}

TEST_CASE("model files: weight byte sizes, shapes, names and values that do not fit") {
    const SavedModel good = tiny_saved();
    REQUIRE(good.weights.size() == 4 * (16 * 10 + 10));
    CHECK(load_model(good.model_json, good.weights).param_count() == 170);

    auto odd = good.weights;
    odd.pop_back();  // not a whole number of float32
    CHECK(test::contains(load_error(good.model_json, odd), "the weights file has 679 bytes but model.json's weightsManifest describes 680"));
    auto longer = good.weights;
    longer.resize(longer.size() + 4);
    CHECK(test::contains(load_error(good.model_json, longer), "has 684 bytes but"));
    CHECK(test::contains(load_error(good.model_json, {}), "has 0 bytes but"));

    // The manifest and the topology disagree.
    CHECK(test::contains(load_error(replaced(good.model_json, "[16,10]", "[10,16]"), good.weights),
                         "weight 'dense/kernel' has shape [10, 16] but layer needs [16, 10]"));
    CHECK(test::contains(load_error(replaced(good.model_json, R"("units":10)", R"("units":9)"), good.weights),
                         "weight 'dense/kernel' has shape [16, 10] but layer needs [16, 9]"));
    CHECK(test::contains(load_error(replaced(good.model_json, "dense/bias", "dense/gamma"), good.weights),
                         "model.json has no weight named 'dense/bias'"));
    CHECK(test::contains(load_error(replaced(good.model_json, R"("dtype":"float32","name":"dense/kernel")",
                                             R"("dtype":"int32","name":"dense/kernel")"),
                                    good.weights),
                         "has dtype \"int32\"; only float32 is supported"));
    // Dimensions whose product overflows 64 bits.
    CHECK(test::contains(load_error(replaced(good.model_json, "[16,10]", "[4294967296,4294967296,4294967296]"), good.weights),
                         "weight 'dense/kernel' is impossibly large"));
    CHECK(test::contains(load_error(replaced(good.model_json, "[16,10]", "[16,-10]"), good.weights), "has a bad shape"));

    // NaN and infinities, anywhere.
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
        auto weights = good.weights;
        put_float(weights, 165, bad);  // in the bias
        CHECK(test::contains(load_error(good.model_json, weights), "weight 'dense/bias' holds a non-finite value"));
        CHECK(test::contains(load_error(good.model_json, weights), "at index 5"));
    }
}

TEST_CASE("model files: wrong JSON and unexpected types are refused, never thrown through") {
    const SavedModel good = tiny_saved();
    CHECK(test::contains(load_error("", good.weights), "model.json is not valid JSON"));
    CHECK(test::contains(load_error(good.model_json.substr(0, good.model_json.size() / 2), good.weights), "is not valid JSON"));
    CHECK(test::contains(load_error("[1, 2, 3]", good.weights), "has no modelTopology"));
    // A number too large for a double (found by fuzz_model): a JSON error, not a crash.
    CHECK(test::contains(config_error("[1e999]"), "the model description is not valid JSON"));
    CHECK(test::contains(load_error(replaced(good.model_json, R"("units":10)", R"("units":1e999)"), good.weights), "is not valid JSON"));
    // Values of the wrong JSON type.
    CHECK(
        test::contains(load_error(replaced(good.model_json, R"("use_bias":true)", R"("use_bias":"yes")"), good.weights),
                       "Dense 'dense': use_bias must be true or false, not \"yes\""));
    CHECK(test::contains(load_error(replaced(good.model_json, R"("weightsManifest":[)", R"("weightsManifest":[1,)"), good.weights),
                         "each weightsManifest entry must be an object, not 1"));
    CHECK(test::contains(test::error_of([] { weight_shard_paths(R"({"weightsManifest": [{"paths": "weights.bin"}]})"); }),
                         "weightsManifest paths must be a list"));
    CHECK(test::contains(config_error(R"([{"class_name": "Dense", "config": 7}])"), "its config must be an object, not 7"));
    CHECK(test::contains(config_error(R"([{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3, "padding": 1}}])"),
                         "padding must be a string, not 1"));
    CHECK(test::contains(config_error(R"({"class_name": 5, "config": {"layers": []}})"), "unknown model class '5'"));
    CHECK(test::contains(config_error(R"({"class_name": "Functional", "config": {"layers": [3]}})"),
                         "each layer must be an object"));
    CHECK(test::contains(config_error(R"({"class_name": "Functional", "config": {"layers": [
                             {"class_name": "Flatten", "name": "f", "inbound_nodes": {"a": 1}}]}})"),
                         "inbound_nodes must be a list"));
    // A layer nested 100,000 lists deep: described without recursing through it.
    const std::string deep = "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
    CHECK(test::contains(config_error(deep), "each layer must be an object with a \"class_name\", not a list of 1"));
}

TEST_CASE("an exception in a pool thread reaches the caller, after every slice, and the pool goes on") {
    set_num_threads(2);
    std::vector<int> done(2, 0);
    auto throws_in = [&](int failing) {
        return test::error_of([&] {
            parallel_for(2, 1, [&](int64_t, int64_t, int slice) {
                if (slice == failing) throw std::bad_alloc();
                done[slice] = 1;
            });
        });
    };
    CHECK(throws_in(1) == "std::bad_alloc");  // a worker thread's slice
    CHECK(done[0] == 1);
    CHECK(throws_in(0) == "std::bad_alloc");  // the caller's own slice, with the worker's finished
    CHECK(done[1] == 1);
    int64_t sum = 0;
    parallel_for(1000, 1, [&](int64_t b, int64_t e, int) {
        int64_t part = 0;
        for (int64_t i = b; i < e; ++i) part += i;
        static std::mutex m;
        std::lock_guard<std::mutex> lock(m);
        sum += part;
    });
    CHECK(sum == 499500);
    set_num_threads(1);
}

TEST_CASE("architectures: a host with less memory lowers the limit, and models and batches are checked against it") {
    // Basic_CNN needs about 50 MiB for training at batch 32, and ~800 KB more per image.
    set_memory_limit(int64_t{40} << 20);
    CHECK(test::contains(test::error_of([] { Model m(basic_cnn_spec()); }),
                         "Dense 'dense' (None, 512) brings the model to 1,671,136 parameters, which would need about 49.6 MiB"));
    CHECK(test::contains(test::error_of([] { Model m(basic_cnn_spec()); }), "for training; the limit is 40 MiB"));
    set_memory_limit(int64_t{100} << 20);
    Model m(basic_cnn_spec());
    Dataset none;
    none.rows = none.cols = 28;
    TrainConfig c;
    c.batch_size = 256;
    CHECK(test::contains(test::error_of([&] { Trainer t(m, none, c); }), "at batch size 256 would need about"));
    CHECK(test::contains(test::error_of([&] { Trainer t(m, none, c); }), "the limit is 100 MiB: use a smaller batch"));
    c.batch_size = 64;
    CHECK(test::error_of([&] { Trainer t(m, none, c); }) == "");
    set_memory_limit(kDefaultMemoryLimit);
}

TEST_CASE("architectures: absurd sizes are refused up front, huge ones with the memory they need") {
    // Dense(10^9): 785 billion parameters.
    const std::string huge = config_error(R"([{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1000000000}}])");
    CHECK(test::contains(huge, "Dense 'dense' (None, 1000000000) brings the model to 785,000,000,000 parameters"));
    CHECK(test::contains(huge, "GiB for training; the limit is 1.5 GiB"));
    // Wide convolutions: the memory of their activations.
    CHECK(test::contains(config_error(R"([{"class_name": "Conv2D", "config": {"filters": 60000, "kernel_size": 3, "padding": "same"}}])"),
                         "would need about"));
    // Values past what any size computation could hold (they used to overflow 64 bits).
    CHECK(test::contains(
        config_error(R"([{"class_name": "Conv2D", "config": {"filters": 2000000000, "kernel_size": 3}}])"),
        "Conv2D 'conv2d': filters 2000000000 is too large (at most 65536)"));
    CHECK(test::contains(config_error(R"([{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [2000000000, 3]}}])"),
                         "kernel_size 2000000000 is too large (at most 4096)"));
    CHECK(test::contains(config_error(R"([{"class_name": "MaxPooling2D", "config": {"pool_size": 2, "strides": 99999}}])"),
                         "strides 99999 is too large"));
    CHECK(test::contains(config_error(R"([{"class_name": "Flatten", "config": {"batch_input_shape": [null, 2000000000, 2000000000, 1]}}])"),
                         "batch_input_shape height/width 2000000000 is too large (at most 4096)"));
    CHECK(test::contains(config_error(R"([{"class_name": "Flatten", "config": {"input_shape": [28, 28, 100000]}}])"),
                         "input_shape channels 100000 is too large (at most 65536)"));
    CHECK(test::contains(config_error(R"([{"class_name": "Dense", "config": {"units": 4294967306}}])"),
                         "units 4294967306 is too large"));
    CHECK(test::contains(config_error(R"([{"class_name": "Dropout", "config": {"rate": 1e300}}])"),
                         "rate is the fraction dropped and must be in [0, 1) (got 1e+300)"));
    // Impossible shapes name the layer and the shapes.
    CHECK(test::contains(config_error(R"([{"class_name": "Conv2D", "config": {"batch_input_shape": [null, 2, 2, 1], "filters": 1, "kernel_size": 3}}])"),
                         "a 3x3 'valid' window does not fit the 2x2 input"));
    CHECK(test::contains(config_error(R"([{"class_name": "Dense", "config": {"units": 10}}])"), "add a Flatten layer before it"));
    CHECK(test::contains(config_error(R"([{"class_name": "Conv2D", "config": {"filters": 0, "kernel_size": 3}}])"),
                         "filters must be at least 1 (got 0)"));
}

TEST_CASE("a learning rate of 10 diverges: training stops with a hint and the last good weights") {
    // Basic_CNN on 256 MNIST-sized images with random pixels: enough to blow up at once with SGD.
    Rng rng(5);
    std::vector<uint8_t> pixels(256 * 784), labels(256);
    for (auto& p : pixels) p = static_cast<uint8_t>(rng.below(256));
    for (auto& l : labels) l = static_cast<uint8_t>(rng.below(10));
    std::vector<uint8_t> images = idx(8, {256, 28, 28}, 0), label_file = idx(8, {256}, 0);
    images.insert(images.end(), pixels.begin(), pixels.end());
    label_file.insert(label_file.end(), labels.begin(), labels.end());
    Dataset data = parse_idx(images, label_file);

    Model m(basic_cnn_spec());
    m.init_weights(rng);
    TrainConfig c;
    c.optimizer = optimizer_defaults("sgd");
    c.optimizer.learning_rate = Schedule::constant(10);
    c.batch_size = 32;
    Trainer t(m, data, c);
    const auto good = m.params();  // the snapshot taken at step 0 (snapshots come every 100 steps)
    t.run(1);
    const std::string err = test::error_of([&] { t.run(7); });
    CHECK(test::contains(err, "training stopped and the weights were restored to step 0"));
    CHECK(test::contains(err, "Try a lower learning rate (now 10"));
    CHECK(m.params() == good);
    CHECK(std::all_of(m.params().begin(), m.params().end(), [](float v) { return std::isfinite(v); }));
}

// ---------------------------------------------------------------------------------------------
// The cnn command line: built beside this test binary.

namespace {

struct Run {
    int code = -1;
    std::string out, err;
};

fs::path cli_path() {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path("cnn") : self.parent_path() / "cnn";
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("cnn-robustness-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

Run run_cli(const std::string& args, const TempDir& dir) {
    const fs::path out = dir.path / "stdout.txt", err = dir.path / "stderr.txt";
    const std::string command = "'" + cli_path().string() + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out), r.err = slurp(err);
    return r;
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void write_gzip(const fs::path& p, const std::vector<uint8_t>& bytes) {
    gzFile f = gzopen(p.string().c_str(), "wb");
    REQUIRE(f);
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
}

// One error line, exit 1, and nothing from a sanitizer.
void check_refused(const Run& r, const std::string& part) {
    INFO("stderr: " << r.err);
    CHECK(r.code == 1);
    CHECK(test::contains(r.err, part));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("error: ", 0) == 0);
    CHECK(!test::contains(r.err, "Sanitizer"));
    CHECK(!test::contains(r.err, "runtime error"));
}

// A data directory with the four files, 8 train and 4 test 28x28 images.
void write_split(const fs::path& dir, const std::string& prefix, uint32_t count) {
    write_bytes(dir / (prefix + "-images-idx3-ubyte"), idx(8, {count, 28, 28}, count * 784, 7));
    write_bytes(dir / (prefix + "-labels-idx1-ubyte"), idx(8, {count}, count, 3));
}

}  // namespace

TEST_CASE("cnn CLI: missing files, corrupt gzip and bad IDX are one error line and exit 1") {
    REQUIRE_MESSAGE(fs::exists(cli_path()), cli_path() << " is missing: build the cnn target");
    TempDir dir;
    const fs::path data = dir.path / "data";
    fs::create_directories(data);

    // No files at all.
    check_refused(run_cli("train --data '" + data.string() + "'", dir), "train-images-idx3-ubyte: no such file (nor train-images-idx3-ubyte.gz)");
    check_refused(run_cli("eval --data '" + data.string() + "' --model '" + (dir.path / "nope").string() + "'", dir), "nope: no such file");

    write_split(data, "train", 8);
    write_split(data, "t10k", 4);
    // A gzip file whose deflate data is garbage.
    std::vector<uint8_t> corrupt = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    for (int i = 0; i < 64; ++i) corrupt.push_back(uint8_t(0xff - i));
    fs::remove(data / "train-labels-idx1-ubyte");
    write_bytes(data / "train-labels-idx1-ubyte.gz", corrupt);
    check_refused(run_cli("train --data '" + data.string() + "'", dir), "train-labels-idx1-ubyte.gz: corrupt gzip data");

    // A gzip file cut in half (a half-finished download).
    const std::vector<uint8_t> labels = idx(8, {8}, 8, 3);
    write_gzip(dir.path / "full.gz", labels);
    std::string whole = slurp(dir.path / "full.gz");
    write_bytes(data / "train-labels-idx1-ubyte.gz", std::vector<uint8_t>(whole.begin(), whole.begin() + whole.size() / 2));
    check_refused(run_cli("train --data '" + data.string() + "'", dir),
                  "train-labels-idx1-ubyte.gz: the gzip data ends early (unexpected end of file)");

    // Valid gzip around a bad IDX file: the IDX message, naming the .gz file.
    write_gzip(data / "train-labels-idx1-ubyte.gz", idx(8, {8}, 8, 12));
    check_refused(run_cli("train --data '" + data.string() + "'", dir), "train-labels-idx1-ubyte.gz: label 12 of image 0 is outside 0-9");

    // Images of another size than the model's input.
    fs::remove(data / "train-labels-idx1-ubyte.gz");
    write_bytes(data / "train-images-idx3-ubyte", idx(8, {8, 32, 32}, 8 * 1024));
    write_bytes(data / "train-labels-idx1-ubyte", idx(8, {8}, 8, 3));
    check_refused(run_cli("train --data '" + data.string() + "'", dir), "the training images are 32x32 but the model 'Basic_CNN' expects (None, 28, 28, 1)");

    // An output directory that cannot be made is refused before any training, not after it.
    write_split(data, "train", 8);
    const fs::path blocker = dir.path / "a-file";
    write_bytes(blocker, {1});
    const Run r = run_cli("train --data '" + data.string() + "' --out '" + (blocker / "model").string() + "'", dir);
    check_refused(r, "a-file/model: the output directory cannot be created");
    CHECK(!test::contains(r.out, "training"));
}

TEST_CASE("cnn CLI: a bad training config (--fit or flags) is one error line naming the file and the field") {
    REQUIRE_MESSAGE(fs::exists(cli_path()), cli_path() << " is missing: build the cnn target");
    TempDir dir;
    const fs::path data = dir.path / "data", fit = dir.path / "fit.json";
    fs::create_directories(data);
    write_split(data, "train", 8);
    write_split(data, "t10k", 4);
    const std::string train = "train --data '" + data.string() + "' --out '" + (dir.path / "out").string() + "' ";
    std::ofstream(fit) << R"({"optimizer": {"class_name": "SGD", "config": {"momentum": 1.2}}})";
    check_refused(run_cli(train + "--fit '" + fit.string() + "'", dir), "fit.json: SGD: momentum must be in [0, 1) (got 1.2)");
    std::ofstream(fit) << R"({"callbacks": [{"class_name": "EarlyStopping", "config": {"patience": 2}}]})";
    check_refused(run_cli(train + "--fit '" + fit.string() + "'", dir),
                  "fit.json: EarlyStopping: monitor 'val_loss' needs a validation_split above 0");
    std::ofstream(fit) << "{oops";
    check_refused(run_cli(train + "--fit '" + fit.string() + "'", dir), "fit.json: not valid JSON");
    check_refused(run_cli(train + "--fit '" + (dir.path / "none.json").string() + "'", dir), "none.json: no such file");
    check_refused(run_cli(train + "--validation-split 1", dir),
                  "the training flags: the training config: validation_split must be in [0, 1) (got 1)");
    check_refused(run_cli(train + "--optimizer adam --momentum 0.9", dir), "the training flags: Adam: unknown field 'momentum'");
    // A split that leaves no training image of the 8.
    check_refused(run_cli(train + "--validation-split 0.95", dir), "validation_split 0.95 of 8 images leaves no training images");
}

TEST_CASE("cnn CLI: broken model files and absurd architectures are one error line and exit 1") {
    REQUIRE_MESSAGE(fs::exists(cli_path()), cli_path() << " is missing: build the cnn target");
    TempDir dir;
    const fs::path config = dir.path / "config.json";
    auto summary_of = [&](const std::string& text) {
        std::ofstream(config) << text;
        return run_cli("summary --model '" + config.string() + "'", dir);
    };
    check_refused(summary_of("{\"class_name\": "), "config.json: the model description is not valid JSON");
    check_refused(summary_of(R"([{"class_name": "LSTM"}])"), "unknown layer class 'LSTM'");
    check_refused(summary_of(R"([{"class_name": "Dense", "config": {"units": 3, "activation": "mish"}}])"), "unknown activation 'mish'");
    check_refused(summary_of(R"([{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1000000000}}])"),
                  "which would need about");

    // A saved model whose weights file is short, and one with a NaN.
    const fs::path model = dir.path / "model";
    fs::create_directories(model);
    SavedModel saved = tiny_saved();
    std::ofstream(model / "model.json") << saved.model_json;
    auto weights = saved.weights;
    weights.resize(100);
    write_bytes(model / "weights.bin", weights);
    const fs::path images = dir.path / "images.idx";
    write_bytes(images, idx(8, {2, 4, 4}, 32));
    check_refused(run_cli("predict --model '" + model.string() + "' --images '" + images.string() + "'", dir),
                  "the weights file has 100 bytes but model.json's weightsManifest describes 680");
    weights = saved.weights;
    put_float(weights, 0, std::numeric_limits<float>::quiet_NaN());
    write_bytes(model / "weights.bin", weights);
    check_refused(run_cli("predict --model '" + model.string() + "' --images '" + images.string() + "'", dir),
                  "weight 'dense/kernel' holds a non-finite value");
    fs::remove(model / "weights.bin");
    check_refused(run_cli("predict --model '" + model.string() + "' --images '" + images.string() + "'", dir), "weights.bin: no such file");

    // The good model, then images of the wrong size for it.
    write_bytes(model / "weights.bin", saved.weights);
    const Run ok = run_cli("predict --model '" + model.string() + "' --images '" + images.string() + "'", dir);
    CHECK(ok.code == 0);
    CHECK(std::count(ok.out.begin(), ok.out.end(), '\n') == 2);
    write_bytes(images, idx(8, {2, 28, 28}, 2 * 784));
    check_refused(run_cli("predict --model '" + model.string() + "' --images '" + images.string() + "'", dir),
                  "images are 28x28 but the model expects (None, 4, 4, 1)");
}

TEST_CASE("cnn summary --json prints the engine's analysis, and exits 1 for a model it cannot train") {
    REQUIRE_MESSAGE(fs::exists(cli_path()), cli_path() << " is missing: build the cnn target");
    TempDir dir;
    const Run basic = run_cli("summary --json", dir);
    CHECK(basic.code == 0);
    CHECK(basic.err == "");
    const test::json analysis = test::json::parse(basic.out);
    CHECK(analysis["valid"] == true);
    CHECK(analysis["total_params"] == 1676266);
    CHECK(analysis["summary"] == Model(basic_cnn_spec()).summary());

    const fs::path config = dir.path / "config.json";
    std::ofstream(config) << test::config_of({28, 28, 1}, {test::flatten(), test::dense(7, "softmax")});
    const Run json_run = run_cli("summary --json --model '" + config.string() + "'", dir);
    check_refused(
        json_run,
        "config.json: Dense 'dense': the last layer must give 10 numbers, one per class, but gives (None, 7)");
    const test::json refused = test::json::parse(json_run.out);
    CHECK(refused["valid"] == false);
    CHECK(refused["layers"][1]["field"] == "units");
    // The table shows what the model is, then the refusal.
    const Run table = run_cli("summary --model '" + config.string() + "'", dir);
    check_refused(table, "the last layer must give 10 numbers");
    CHECK(test::contains(table.out, " dense (Dense)                   (None, 7)                 5,495\n"));
    const Run flag_with_value = run_cli("summary --json 1", dir);  // --json takes no value
    CHECK(flag_with_value.code == 1);
    CHECK(test::contains(flag_with_value.err, "cnn summary: unexpected argument '1'"));
}
