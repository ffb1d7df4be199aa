// The JavaScript face of the core: the free functions analyse(), limits() and scheduleCurve(),
// which judge a network, state the engine's bounds and draw a learning-rate schedule without an
// Engine (and architectures() and layerSchema(), what an editor offers), and one Engine object
// that owns a model, the datasets and a training run. Strings carry JSON (small, self-describing); pixels,
// probabilities and weights cross as typed arrays copied once. Every C++ error becomes a JS Error
// with the same message, and the engine stays usable afterwards.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis.h"
#include "core/architectures.h"
#include "core/dataset.h"
#include "core/explain.h"
#include "core/fine_tune.h"
#include "core/fit_config.h"
#include "core/keras.h"
#include "core/model_io.h"
#include "core/parallel.h"
#include "core/refuse.h"
#include "core/trainer.h"

using emscripten::val;
using nlohmann::json;
using namespace cnn;

namespace {

// Runs fn, turning any C++ exception into a thrown JS Error.
template <class Fn>
auto guarded(Fn&& fn) -> decltype(fn()) {
    std::string message;
    try {
        return fn();
    } catch (const std::bad_alloc&) {
        message = "out of memory in the WebAssembly engine (its heap ends at " + format_bytes(double(emscripten_get_heap_max())) +
                  "): try a smaller model, batch size or data set";
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
        message = "unknown error in the engine";
    }
    val::global("Error").new_(message).throw_();
}

template <class T>
std::vector<T> copy_typed_array(const val& array, const char* what) {
    if (array.isUndefined() || array.isNull() || !array["length"].as<bool>()) refuse(std::string(what) + " is empty");
    std::vector<T> out(array["length"].as<size_t>());
    val(emscripten::typed_memory_view(out.size(), out.data())).template call<void>("set", array);
    return out;
}

// new Float32Array(view) copies out of the wasm heap, so the result survives heap growth.
template <class T>
val to_typed_array(const T* data, size_t n, const char* js_type) {
    return val::global(js_type).new_(emscripten::typed_memory_view(n, data));
}

// Heap kept free for everything but the model and the data: the runtime, thread stacks, the
// JSON and typed-array copies that cross the boundary, and the allocator's own slack.
constexpr int64_t kHeapReserve = int64_t{48} << 20;

// What a model may use for training in this heap, which ends at a fixed size (the threads build)
// or at its growth limit (the SIMD build) and holds `data_bytes` of data sets besides.
int64_t heap_memory_limit(int64_t data_bytes) {
    return std::min(kDefaultMemoryLimit, int64_t(emscripten_get_heap_max()) - data_bytes - kHeapReserve);
}

// A network the engine builds: one the page can train (kClasses scores), within the memory limit.
AnalysisOptions engine_options() { return AnalysisOptions{}; }

}  // namespace

// Module.analyse(configJson, optionsJson) → the analysis as JSON (core/analysis.h); never throws.
std::string analyse_network(const std::string& config, const std::string& options) {
    return analyse_json(config, options);
}

// Module.limits() → the engine's bounds as JSON (core/limits.h).
std::string engine_limits() { return limits_json(); }

// Module.scheduleCurve(configJson, steps) → Float32Array: the learning rate of each of the first
// `steps` optimiser steps under a training config (core/fit_config.h), to draw before training.
val schedule_curve(const std::string& config, double steps) {
    return guarded([&] {
        const std::vector<float> curve = learning_rate_curve(read_fit_config(config), static_cast<int64_t>(steps));
        return to_typed_array(curve.data(), curve.size(), "Float32Array");
    });
}

// Module.architectures() → the ready architectures as JSON (core/architectures.h).
std::string ready_architectures() { return architectures_json(); }

// Module.layerSchema() → every layer kind with its config fields as JSON (core/keras.h).
std::string layer_schema() { return layer_schema_json(); }

class Engine {
public:
    Engine() {
        fit_memory_limit();
        model_ = std::make_unique<Model>(basic_cnn_spec(), engine_options());
        Rng rng(seed_);
        model_->init_weights(rng);
    }

    int setThreads(int n) { return set_num_threads(n); }

    void buildModel(const std::string& config, double seed) {
        guarded([&] {
            fit_memory_limit();
            auto model = std::make_unique<Model>(config.empty() ? basic_cnn_spec() : read_model_config(config),
                                                 engine_options());
            seed_ = static_cast<uint64_t>(seed);
            Rng rng(seed_);
            model->init_weights(rng);
            replace_model(std::move(model));
        });
    }

    // The analysis of the model in use (the JSON of Module.analyse), without the verdict: the
    // engine built this model, so it is valid.
    std::string summary() const {
        json analysis = json::parse(model_->analysis().to_json());
        analysis.erase("valid");
        analysis.erase("error");
        return analysis.dump();
    }

    std::string topology() const { return model_topology_json(*model_); }

    // The four IDX files of a data set. All are checked before any replaces what the engine
    // holds, so a bad file leaves the previous data in place.
    std::string setData(val train_images, val train_labels, val test_images, val test_labels) {
        return guarded([&] {
            auto parse = [](const val& images, const val& labels, const std::string& which) {
                return parse_idx(copy_typed_array<uint8_t>(images, (which + " images").c_str()),
                                 copy_typed_array<uint8_t>(labels, (which + " labels").c_str()), which + " images",
                                 which + " labels");
            };
            Dataset train = parse(train_images, train_labels, "train");
            Dataset test = parse(test_images, test_labels, "test");
            auto info = [](const Dataset& d) { return json{{"count", d.count}, {"rows", d.rows}, {"cols", d.cols}}; };
            json result = {{"train", info(train)}, {"test", info(test)}};
            trainer_.reset();
            train_ = std::move(train);
            test_ = std::move(test);
            return result.dump();
        });
    }

    // The training config JSON (core/fit_config.h), checked now rather than at the first step.
    void setTraining(const std::string& text) {
        guarded([&] {
            config_ = read_fit_config(text);
            trainer_.reset();
        });
    }

    std::string train(int steps) {
        return guarded([&] {
            if (train_.count == 0) refuse("no training data: load the training set first");
            if (!trainer_) {
                fit_memory_limit();
                trainer_ = std::make_unique<Trainer>(*model_, train_, config_);
            }
            StepStats s = trainer_->run(steps);
            json metrics = {{"loss", s.loss},
                            {"accuracy", s.accuracy},
                            {"losses", s.losses},
                            {"accuracies", s.accuracies},
                            {"epoch_loss", s.epoch_loss},
                            {"epoch_accuracy", s.epoch_accuracy},
                            {"step", s.step},
                            {"epoch", s.epoch},
                            {"steps_per_epoch", s.steps_per_epoch},
                            {"total_steps", s.total_steps},
                            {"images_per_sec", s.images_per_sec},
                            {"learning_rate", s.learning_rate},
                            {"epoch_end", s.epoch_end},
                            {"stopped_early", s.stopped_early},
                            {"done", s.done}};
            if (s.validated)
                metrics.update({{"val_loss", s.val_loss},
                                {"val_accuracy", s.val_accuracy},
                                {"val_step", s.val_step},
                                {"val_count", train_.count - trainer_->train_count()}});
            return metrics.dump();
        });
    }

    // A fresh start from the seed: new weights, new optimiser state, step 0.
    void resetTraining() {
        Rng rng(config_.seed);
        model_->init_weights(rng);
        trainer_.reset();
    }

    // Test images [offset, offset + limit) (limit 0 = to the end), so the worker can evaluate in slices.
    std::string evaluate(int limit, int offset) {
        return guarded([&] {
            if (test_.count == 0) refuse("no test data: load the test set first");
            Evaluation e = cnn::evaluate(*model_, test_, limit, offset);
            json wrong = json::array();
            for (const auto& m : e.misclassified)
                wrong.push_back({{"index", m.index}, {"label", m.label}, {"predicted", m.predicted}, {"confidence", m.confidence}});
            return json{{"accuracy", e.accuracy}, {"loss", e.loss},         {"offset", e.offset},
                        {"count", e.count},       {"confusion", e.confusion}, {"misclassified", wrong}}
                .dump();
        });
    }

    // The first `count` training images as the training config's augmentation changes them
    // (seeded by its seed): {images: Float32Array [count, h, w, c] in [0, 1], shape: [h, w, c]}.
    val augmentedBatch(const std::string& config, int count) {
        return guarded([&] {
            if (train_.count == 0) refuse("no training data: load the training set first");
            if (count < 1 || count > kMaxBatchSize)
                refuse("augmentedBatch: count must be between 1 and " + std::to_string(kMaxBatchSize));
            const int64_t n = std::min<int64_t>(count, train_.count);
            const TrainConfig c = read_fit_config(config);
            std::vector<uint32_t> first(n);
            std::iota(first.begin(), first.end(), 0u);
            std::vector<float> x(n * train_.image_size());
            train_.gather(first.data(), n, x.data(), nullptr);
            Augmenter(c.augmentation, c.seed).apply(x.data(), n, train_.rows, train_.cols, 1);
            val result = val::object();
            result.set("images", to_typed_array(x.data(), x.size(), "Float32Array"));
            result.set("shape", val::array(std::vector<int>{train_.rows, train_.cols, 1}));
            return result;
        });
    }

    val predict(val pixels) {
        return guarded([&] {
            std::vector<float> x = input_image(pixels);
            std::vector<float> p = cnn::predict(*model_, x.data());
            return to_typed_array(p.data(), p.size(), "Float32Array");
        });
    }

    // The output of layer `index` for one image: {shape: [h, w, c] or [n], data: Float32Array}.
    val layerOutput(int index, val pixels) {
        return guarded([&] {
            if (index < 0 || index >= static_cast<int>(model_->layers().size()))
                refuse("layerOutput: layer " + std::to_string(index) + " does not exist (the model has " +
                       std::to_string(model_->layers().size()) + " layers)");
            std::vector<float> x = input_image(pixels);
            model_->forward(x.data(), 1, false);
            const Shape& s = model_->layers()[index]->out;
            val result = val::object();
            result.set("shape", s.rank == 1 ? val::array(std::vector<int>{s.c}) : val::array(std::vector<int>{s.h, s.w, s.c}));
            result.set("data", to_typed_array(model_->layer_output(index), s.size(), "Float32Array"));
            return result;
        });
    }

    val saveModel() const {
        SavedModel saved = save_model(*model_);
        val result = val::object();
        result.set("modelJson", saved.model_json);
        result.set("weights", to_typed_array(saved.weights.data(), saved.weights.size(), "Uint8Array"));
        return result;
    }

    void loadModel(const std::string& model_json, val weights) {
        guarded([&] {
            auto bytes = weights.isUndefined() || weights.isNull() || !weights["length"].as<bool>()
                             ? std::vector<uint8_t>{}
                             : copy_typed_array<uint8_t>(weights, "weights");
            fit_memory_limit();
            replace_model(std::make_unique<Model>(load_model(model_json, bytes, engine_options())));
        });
    }

    // What a model may use for training here (bytes), as the core checks it.
    double memoryLimit() {
        fit_memory_limit();
        return static_cast<double>(memory_limit());
    }

    // Why the model gives one image its scores, for class `target` (-1: the predicted one):
    // {target, probabilities, saliency [h·w], gradcamLayer, gradcamProblem, camShape [gh, gw],
    // gradcam [h·w] or null} (core/explain.h).
    val explain(val pixels, int target) {
        return guarded([&] {
            std::vector<float> x = input_image(pixels);
            Explanation e = cnn::explain(*model_, x.data(), target);
            val result = val::object();
            result.set("target", e.target);
            result.set("probabilities", to_typed_array(e.probabilities.data(), e.probabilities.size(), "Float32Array"));
            result.set("saliency", to_typed_array(e.saliency.data(), e.saliency.size(), "Float32Array"));
            result.set("gradcamLayer", e.gradcam_layer);
            result.set("gradcamProblem", e.gradcam_problem);
            result.set("camShape", val::array(std::vector<int>{e.cam_h, e.cam_w}));
            result.set("gradcam", e.gradcam.empty() ? val::null()
                                                     : to_typed_array(e.gradcam.data(), e.gradcam.size(), "Float32Array"));
            return result;
        });
    }

    // The probability of class `target` (-1: the predicted one) with each 4×4 patch greyed out:
    // {target, patch, rows, cols, baseline, probability [rows·cols]}.
    val occlusion(val pixels, int target) {
        return guarded([&] {
            std::vector<float> x = input_image(pixels);
            Occlusion o = cnn::occlusion(*model_, x.data(), target);
            val result = val::object();
            result.set("target", o.target);
            result.set("patch", o.patch);
            result.set("rows", o.rows);
            result.set("cols", o.cols);
            result.set("baseline", o.baseline);
            result.set("probability", to_typed_array(o.probability.data(), o.probability.size(), "Float32Array"));
            return result;
        });
    }

    // Starts fine-tuning on the user's images (uint8 [n, h, w], labels [n]) mixed with the loaded
    // training set, after a snapshot of the weights; options: {steps, batch_size, own_per_batch,
    // learning_rate, seed} (core/fine_tune.h). Returns the accuracies before: {own, test}, test
    // on the first kFineTuneTestImages test images.
    std::string startFineTune(val images, val labels, const std::string& options) {
        return guarded([&] {
            if (train_.count == 0 || test_.count == 0) refuse("fine-tuning needs MNIST: load it first");
            json j = options.empty() ? json::object() : json::parse(options);
            FineTuneConfig c;
            c.steps = j.value("steps", c.steps);
            c.batch_size = j.value("batch_size", c.batch_size);
            c.own_per_batch = j.value("own_per_batch", c.own_per_batch);
            c.learning_rate = j.value("learning_rate", c.learning_rate);
            c.seed = j.value("seed", c.seed);
            Dataset own;
            own.rows = train_.rows, own.cols = train_.cols;
            own.images = copy_typed_array<uint8_t>(images, "your images");
            own.labels = copy_typed_array<uint8_t>(labels, "your labels");
            own.count = static_cast<int64_t>(own.labels.size());
            if (int64_t(own.images.size()) != own.count * own.image_size())
                refuse(std::to_string(own.labels.size()) + " labels need " + std::to_string(own.count * own.image_size()) +
                       " pixels of your images, not " + std::to_string(own.images.size()));
            fit_memory_limit();
            fine_tuning_.reset();
            own_ = std::move(own);
            fine_tuning_ = std::make_unique<FineTuning>(*model_, own_, train_, c);
            return fine_tune_accuracies().dump();
        });
    }

    // Runs up to `steps` more fine-tuning steps: the trainer's step statistics, and when done the
    // accuracies after ({own, test}, as startFineTune's).
    std::string fineTune(int steps) {
        return guarded([&] {
            if (!fine_tuning_) refuse("no fine-tuning in progress: start one first");
            StepStats s = fine_tuning_->run(steps);
            json result = {{"loss", s.loss}, {"step", s.step}, {"total_steps", s.total_steps}, {"done", s.done}};
            if (s.done) result["after"] = fine_tune_accuracies();
            return result.dump();
        });
    }

    // Ends a fine-tuning, keeping its weights or putting back those from before it (bit for bit).
    void endFineTune(bool keep) {
        guarded([&] {
            if (!fine_tuning_) refuse("no fine-tuning to " + std::string(keep ? "keep" : "undo"));
            if (!keep) fine_tuning_->undo();
            fine_tuning_.reset();
            own_ = Dataset{};
        });
    }

    // Traps the module on purpose (a WebAssembly `unreachable`), as a bug or an abort would: the
    // page's recovery from a dead engine is tested with it.
    void crashForTesting() { __builtin_trap(); }

private:
    // The data sets live in the heap too.
    void fit_memory_limit() {
        const int64_t data = int64_t(train_.images.size() + train_.labels.size() + test_.images.size() + test_.labels.size());
        set_memory_limit(heap_memory_limit(data));
    }

    // Accuracy on the user's images and on the first kFineTuneTestImages test images.
    static constexpr int64_t kFineTuneTestImages = 1000;
    json fine_tune_accuracies() {
        return {{"own", cnn::evaluate(*model_, own_).accuracy},
                {"test", cnn::evaluate(*model_, test_, kFineTuneTestImages).accuracy}};
    }

    void replace_model(std::unique_ptr<Model> model) {
        fine_tuning_.reset();  // they refer to the old model
        trainer_.reset();
        model_ = std::move(model);
    }

    std::vector<float> input_image(const val& pixels) const {
        std::vector<float> x = copy_typed_array<float>(pixels, "the image");
        const int64_t want = model_->input_shape().size();
        if (static_cast<int64_t>(x.size()) != want)
            refuse("the image has " + std::to_string(x.size()) + " values but the model expects " +
                   std::to_string(want) + " " + model_->input_shape().str());
        return x;
    }

    std::unique_ptr<Model> model_;
    uint64_t seed_ = 1;
    Dataset train_, test_;
    TrainConfig config_;
    std::unique_ptr<Trainer> trainer_;
    Dataset own_;  // the user's images while a fine-tuning runs
    std::unique_ptr<FineTuning> fine_tuning_;
};

// Bytes the allocator has handed out and not taken back: lets tests see leaks, which the
// size of the heap (it only grows) would hide.
double heapBytesInUse() { return static_cast<double>(mallinfo().uordblks); }

EMSCRIPTEN_BINDINGS(cnn_engine) {
    // The core's default limit assumes a native process: this module starts at its heap's, which
    // analyse() and limits() report until an Engine's data takes a share.
    set_memory_limit(heap_memory_limit(0));
    emscripten::function("analyse", &analyse_network);
    emscripten::function("limits", &engine_limits);
    emscripten::function("scheduleCurve", &schedule_curve);
    emscripten::function("architectures", &ready_architectures);
    emscripten::function("layerSchema", &layer_schema);
    emscripten::function("heapBytesInUse", &heapBytesInUse);
    emscripten::class_<Engine>("Engine")
        .constructor<>()
        .function("setThreads", &Engine::setThreads)
        .function("buildModel", &Engine::buildModel)
        .function("summary", &Engine::summary)
        .function("topology", &Engine::topology)
        .function("setData", &Engine::setData)
        .function("setTraining", &Engine::setTraining)
        .function("augmentedBatch", &Engine::augmentedBatch)
        .function("train", &Engine::train)
        .function("resetTraining", &Engine::resetTraining)
        .function("evaluate", &Engine::evaluate)
        .function("predict", &Engine::predict)
        .function("layerOutput", &Engine::layerOutput)
        .function("saveModel", &Engine::saveModel)
        .function("loadModel", &Engine::loadModel)
        .function("memoryLimit", &Engine::memoryLimit)
        .function("explain", &Engine::explain)
        .function("occlusion", &Engine::occlusion)
        .function("startFineTune", &Engine::startFineTune)
        .function("fineTune", &Engine::fineTune)
        .function("endFineTune", &Engine::endFineTune)
        .function("crashForTesting", &Engine::crashForTesting);
}
