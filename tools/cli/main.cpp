// cnn — the native command-line trainer: train, eval, summary, predict.
// Errors print one line naming the file and the problem, and exit 1.
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>
#include <unistd.h>
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/architectures.h"
#include "core/dataset.h"
#include "core/fit_config.h"
#include "core/model_io.h"
#include "core/parallel.h"
#include "core/refuse.h"
#include "core/trainer.h"

namespace fs = std::filesystem;
using namespace cnn;

namespace {

const char* kUsage =
    "usage:\n"
    "  cnn train   --data DIR [--fit FIT.json] [--epochs N] [--batch B] [--lr X]\n"
    "              [--optimizer adam|adamw|sgd|rmsprop] [--momentum M] [--nesterov]\n"
    "              [--validation-split F] [--validation-every N] [--seed S] [--limit N] [--steps N]\n"
    "              [--model NAME|CONFIG.json] [--out DIR] [--threads T]\n"
    "  cnn eval    --data DIR --model DIR [--threads T]\n"
    "  cnn summary [--model NAME|CONFIG.json|DIR] [--json]\n"
    "  cnn predict --model DIR --images IDX [--limit N]\n"
    "DIR for --data holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and\n"
    "t10k-labels-idx1-ubyte, raw or .gz. Without --model, train uses the tutorial's Basic_CNN.\n"
    "NAME is a ready architecture: Basic_CNN, Basic_CNN_BN, AllConv_GAP or LeNet5.\n"
    "--steps N trains only the first N batches and prints each batch's loss (a reproducible trace).\n"
    "--fit names a training config (optimizer, learning-rate schedule, validation split, callbacks,\n"
    "augmentation: see the README); the flags above replace its top-level fields.\n"
    "summary prints the Keras-style table, or with --json the engine's whole analysis; it exits 1\n"
    "when the engine cannot build or train the model.\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads a whole file; gzip is decompressed transparently (zlib passes plain files through).
std::vector<uint8_t> read_file(const fs::path& path) {
    if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such file");
    if (fs::is_directory(path)) throw std::runtime_error(path.string() + ": is a directory, not a file");
    gzFile f = gzopen(path.string().c_str(), "rb");
    if (!f) throw std::runtime_error(path.string() + ": cannot be opened");
    std::vector<uint8_t> bytes;
    uint8_t buffer[1 << 16];
    for (;;) {
        int n = gzread(f, buffer, sizeof buffer);
        int code = Z_OK;
        std::string why = n <= 0 ? gzerror(f, &code) : "";
        // zlib prefixes its message with the path, which the error line names already.
        if (why.rfind(path.string() + ": ", 0) == 0) why.erase(0, path.string().size() + 2);
        if (n < 0) {
            gzclose(f);
            throw std::runtime_error(path.string() + ": corrupt gzip data (" + why + ")");
        }
        if (n == 0) {
            gzclose(f);
            // zlib hands out what it could inflate and reports the missing end only here.
            if (code == Z_BUF_ERROR)
                throw std::runtime_error(path.string() + ": the gzip data ends early (" + why +
                                         "): the file is incomplete, e.g. an interrupted download");
            return bytes;
        }
        bytes.insert(bytes.end(), buffer, buffer + n);
    }
}

std::string read_text(const fs::path& path) {
    auto bytes = read_file(path);
    return std::string(bytes.begin(), bytes.end());
}

void write_file(const fs::path& path, const void* data, size_t size) {
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw std::runtime_error(path.string() + ": cannot be written");
}

// An IDX file by its standard name, raw or gzip-compressed.
fs::path find_idx(const fs::path& dir, const std::string& name) {
    for (const auto& candidate : {dir / name, dir / (name + ".gz")})
        if (fs::exists(candidate)) return candidate;
    throw std::runtime_error((dir / name).string() + ": no such file (nor " + name + ".gz)");
}

Dataset load_split(const fs::path& dir, const std::string& prefix) {
    fs::path images = find_idx(dir, prefix + "-images-idx3-ubyte"), labels = find_idx(dir, prefix + "-labels-idx1-ubyte");
    return parse_idx(read_file(images), read_file(labels), images.string(), labels.string());
}

// A saved model: a directory with model.json and its shards, or the model.json itself.
Model load_saved(const fs::path& where) {
    fs::path json_path = fs::is_directory(where) ? where / "model.json" : where;
    std::string text = read_text(json_path);
    std::vector<uint8_t> weights;
    try {
        for (const auto& shard : weight_shard_paths(text)) {
            auto bytes = read_file(json_path.parent_path() / shard);
            weights.insert(weights.end(), bytes.begin(), bytes.end());
        }
        return load_model(text, weights);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(json_path.string() + ": " + e.what());
    }
}

struct Args {
    std::string command;
    std::map<std::string, std::string> options;

    bool has(const std::string& k) const { return options.count(k) > 0; }
    std::string get(const std::string& k, const std::string& fallback = "") const {
        auto it = options.find(k);
        return it == options.end() ? fallback : it->second;
    }
    std::string require(const std::string& k) const {
        if (!has(k)) throw UsageError("cnn " + command + ": --" + k + " is required");
        return get(k);
    }
    double number(const std::string& k, double fallback) const {
        if (!has(k)) return fallback;
        try {
            size_t used = 0;
            double v = std::stod(get(k), &used);
            if (used == get(k).size()) return v;
        } catch (const std::exception&) {
        }
        throw UsageError("cnn " + command + ": --" + k + " needs a number, not '" + get(k) + "'");
    }
    int64_t integer(const std::string& k, int64_t fallback) const {
        double v = number(k, double(fallback));
        if (v != double(int64_t(v))) throw UsageError("cnn " + command + ": --" + k + " needs a whole number, not '" + get(k) + "'");
        return int64_t(v);
    }
};

// Options take a value (--batch 64); flags (--json) do not.
const std::vector<std::string> kFlags = {"json", "nesterov"};

Args parse_args(int argc, char** argv, const std::map<std::string, std::vector<std::string>>& allowed) {
    if (argc < 2) throw UsageError("cnn: a command is required");
    Args a;
    a.command = argv[1];
    auto it = allowed.find(a.command);
    if (it == allowed.end()) throw UsageError("cnn: unknown command '" + a.command + "'");
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) throw UsageError("cnn " + a.command + ": unexpected argument '" + arg + "'");
        std::string key = arg.substr(2);
        if (std::find(it->second.begin(), it->second.end(), key) == it->second.end())
            throw UsageError("cnn " + a.command + ": unknown option --" + key);
        if (std::find(kFlags.begin(), kFlags.end(), key) != kFlags.end()) {
            a.options[key] = "";
            continue;
        }
        if (i + 1 >= argc) throw UsageError("cnn " + a.command + ": --" + key + " needs a value");
        a.options[key] = argv[++i];
    }
    return a;
}

// The architecture --model names (a ready architecture's name, a config JSON file, or a saved
// model's model.json, its weights ignored), or Basic_CNN; `where` is what a message about it names.
ModelSpec architecture(const Args& a, std::string& where) {
    where = a.get("model", "Basic_CNN");
    if (std::optional<ModelSpec> ready = architecture_spec(where); ready && !fs::exists(where)) return std::move(*ready);
    const fs::path path = a.get("model");
    const fs::path json_path = fs::is_directory(path) ? path / "model.json" : path;
    where = json_path.string();
    return read_model_config(read_text(json_path));
}

Model build_model(const Args& a) {
    std::string where;
    ModelSpec spec = architecture(a, where);
    try {
        return Model(std::move(spec));
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(where + ": " + e.what());
    }
}

void print_evaluation(const Evaluation& e) {
    std::printf("test: loss %.4f  accuracy %.2f%% (%lld images)\n", e.loss, 100.0 * e.accuracy, (long long)e.count);
}

// Made, and checked writable, before training starts: a long run is not lost to a bad --out.
fs::path prepare_output_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": the output directory cannot be created (" + ec.message() + ")");
    const fs::path probe = dir / ".cnn-write-check";
    if (!std::ofstream(probe)) throw std::runtime_error(dir.string() + ": the output directory is not writable");
    fs::remove(probe, ec);
    return dir;
}

// The training config: --fit's file (or Keras' defaults) with the flags in place of its top-level fields.
TrainConfig training_config(const Args& a) {
    const std::string where = a.has("fit") ? a.get("fit") : "the training flags";
    nlohmann::json j = nlohmann::json::object();
    try {
        if (a.has("fit")) j = nlohmann::json::parse(read_text(a.get("fit")));
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(where + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw std::runtime_error(where + ": the training config must be a JSON object");
    if (a.has("optimizer")) j["optimizer"] = a.get("optimizer");
    if (a.has("lr")) j["learning_rate"] = a.number("lr", 0);
    if (a.has("momentum")) j["momentum"] = a.number("momentum", 0);
    if (a.has("nesterov")) j["nesterov"] = true;
    if (a.has("batch")) j["batch_size"] = a.integer("batch", 0);
    if (a.has("epochs")) j["epochs"] = a.integer("epochs", 0);
    if (a.has("seed")) j["seed"] = a.integer("seed", 0);
    if (a.has("validation-split")) j["validation_split"] = a.number("validation-split", 0);
    if (a.has("validation-every")) j["validation_every"] = a.integer("validation-every", 0);
    try {
        return read_fit_config(j.dump());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(where + ": " + e.what());
    }
}

std::string describe_rate(const Schedule& s) {
    return s.kind == ScheduleKind::Constant ? "lr " + format_number(s.initial_learning_rate)
                                            : std::string(schedule_name(s.kind)) + " from " + format_number(s.at(0));
}

void print_validation(const StepStats& s) {
    std::printf("validation at step %lld: val_loss %.4f  val_accuracy %.2f%%  lr %g\n", (long long)s.val_step, s.val_loss,
                100.0 * s.val_accuracy, s.learning_rate);
}

int train(const Args& a) {
    const fs::path out = prepare_output_dir(a.get("out", "trained-model"));
    fs::path data = a.require("data");
    Dataset train_set = load_split(data, "train"), test_set = load_split(data, "t10k");
    if (a.has("limit")) {
        int64_t limit = a.integer("limit", 0);
        if (limit < 1) throw UsageError("cnn train: --limit must be at least 1");
        if (limit < train_set.count) {
            train_set.count = limit;
            train_set.images.resize(limit * train_set.image_size());
            train_set.labels.resize(limit);
        }
    }
    const TrainConfig config = training_config(a);

    Model model = build_model(a);
    Rng init_rng(config.seed);
    model.init_weights(init_rng);
    Trainer trainer(model, train_set, config);
    std::printf("training %s (%lld params) on %lld images%s: %s %s, batch %lld, %lld epoch(s), %d thread(s)%s\n",
                model.name().c_str(), (long long)model.param_count(), (long long)trainer.train_count(),
                trainer.train_count() < train_set.count
                    ? (" (" + std::to_string(train_set.count - trainer.train_count()) + " held out for validation)").c_str()
                    : "",
                optimizer_name(config.optimizer.kind), describe_rate(config.optimizer.learning_rate).c_str(),
                (long long)config.batch_size, (long long)config.epochs, num_threads(),
                config.augmentation.empty() ? "" : ", augmented");
    const auto start = std::chrono::steady_clock::now();
    auto epoch_start = start;
    bool tty = isatty(fileno(stdout));
    Evaluation last{};
    if (a.has("steps")) {
        const int64_t steps = a.integer("steps", 0);
        if (steps < 1) throw UsageError("cnn train: --steps must be at least 1");
        for (int64_t i = 0; i < steps && !trainer.done(); ++i) {
            StepStats s = trainer.run(1);
            std::printf("step %lld loss %.9g accuracy %.6f\n", (long long)s.step, s.loss, s.accuracy);
            if (s.validated) print_validation(s);
        }
        last = evaluate(model, test_set);
        print_evaluation(last);
    }
    while (!a.has("steps") && !trainer.done()) {
        StepStats s = trainer.run(50);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
        const int64_t in_epoch = (s.step - 1) % s.steps_per_epoch + 1;
        if (tty || in_epoch == s.steps_per_epoch || in_epoch % 500 == 0)
            std::printf("%sepoch %lld/%lld  step %lld/%lld  loss %.4f  accuracy %.2f%%  %.0f img/s%s", tty ? "\r" : "",
                        (long long)s.epoch + 1, (long long)config.epochs, (long long)in_epoch,
                        (long long)s.steps_per_epoch, s.epoch_loss, 100.0 * s.epoch_accuracy, s.images_per_sec,
                        tty ? "" : "\n");
        std::fflush(stdout);
        if (s.validated && !s.epoch_end) {
            if (tty) std::printf("\n");
            print_validation(s);
        }
        if (s.epoch_end) {
            if (tty) std::printf("\n");
            if (s.validated) print_validation(s);
            if (s.stopped_early) std::printf("EarlyStopping: stopped after epoch %lld\n", (long long)s.epoch + 1);
            std::printf("epoch %lld done in %.1f s; ", (long long)s.epoch + 1, elapsed);
            last = evaluate(model, test_set);
            print_evaluation(last);
            epoch_start = std::chrono::steady_clock::now();
        }
    }
    if (!a.has("steps") && config.early_stopping && config.early_stopping->restore_best_weights) {
        std::printf("EarlyStopping restored the weights of the best epoch; ");
        last = evaluate(model, test_set);
        print_evaluation(last);
    }
    char metadata[256];
    std::snprintf(
        metadata, sizeof metadata,
        "{\"test_accuracy\": %.4f, \"epochs\": %lld, \"optimizer\": \"%s\", \"seed\": %llu, \"train_images\": %lld}",
        last.accuracy, (long long)config.epochs, optimizer_name(config.optimizer.kind), (unsigned long long)config.seed,
        (long long)train_set.count);
    SavedModel saved = save_model(model, metadata);
    write_file(out / "model.json", saved.model_json.data(), saved.model_json.size());
    write_file(out / kWeightsFileName, saved.weights.data(), saved.weights.size());
    std::printf("saved %s\n", (out / "model.json").string().c_str());
    return 0;
}

int eval(const Args& a) {
    fs::path data = a.require("data");
    Model model = load_saved(a.require("model"));
    Dataset test_set = load_split(data, "t10k");
    print_evaluation(evaluate(model, test_set));
    return 0;
}

// The engine's analysis of the architecture, as a table or JSON; a model the engine cannot
// build or train is shown as far as it goes, and refused.
int summary(const Args& a) {
    std::string where;
    ModelSpec spec = architecture(a, where);
    const Analysis analysis = analyse(spec);
    std::fputs((a.has("json") ? analysis.to_json() + "\n" : analysis.summary()).c_str(), stdout);
    if (!analysis.valid()) throw std::runtime_error(where + ": " + analysis.refusal);
    return 0;
}

int predict_images(const Args& a) {
    Model model = load_saved(a.require("model"));
    fs::path images = a.require("images");
    Dataset set = parse_idx_images(read_file(images), images.string());
    const int64_t limit = a.has("limit") ? std::min<int64_t>(a.integer("limit", 0), set.count) : set.count;
    if (set.rows != model.input_shape().h || set.cols != model.input_shape().w)
        throw std::runtime_error(images.string() + ": images are " + std::to_string(set.rows) + "x" + std::to_string(set.cols) +
                                 " but the model expects " + model.input_shape().str());
    std::vector<float> x(set.image_size());
    for (uint32_t i = 0; i < limit; ++i) {
        set.gather(&i, 1, x.data(), nullptr);
        std::vector<float> p = predict(model, x.data());
        size_t best = std::max_element(p.begin(), p.end()) - p.begin();
        std::printf("%u %zu", i, best);
        for (float v : p) std::printf(" %.6f", v);
        std::printf("\n");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::map<std::string, std::vector<std::string>> allowed = {
        {"train", {"data", "fit", "epochs", "batch", "lr", "optimizer", "momentum", "nesterov", "validation-split",
                   "validation-every", "seed", "limit", "steps", "model", "out", "threads"}},
        {"eval", {"data", "model", "threads"}},
        {"summary", {"model", "json"}},
        {"predict", {"model", "images", "limit", "threads"}},
    };
    try {
        Args a = parse_args(argc, argv, allowed);
        set_num_threads(int(a.integer("threads", std::max(1u, std::thread::hardware_concurrency()))));
        if (a.command == "train") return train(a);
        if (a.command == "eval") return eval(a);
        if (a.command == "summary") return summary(a);
        return predict_images(a);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s\n%s", e.what(), kUsage);
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
