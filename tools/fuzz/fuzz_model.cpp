// libFuzzer target for the model loader. Input layout (see make-corpus.mjs): a model.json text,
// then optionally a NUL byte and the weights bytes. It runs what loading a model file runs —
// analyse (which never throws), building the model it reads, weight_shard_paths, load_model — and,
// for a model that loads, saves it and loads it again (a round trip must be exact) and runs one
// forward pass when the model is small. Every input must either load or be refused with
// std::invalid_argument naming the problem, and the analysis must agree with the constructor.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model_io.h"
#include "invariant.h"

using namespace cnn;

namespace {

// A refusal must say something (the page shows it to the user).
void refused(const std::invalid_argument& e) { require(std::strlen(e.what()) > 0, "a refusal has a message"); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
    const size_t json_size = nul ? size_t(nul - data) : size;
    const std::string json(reinterpret_cast<const char*>(data), json_size);
    const std::vector<uint8_t> weights(nul ? nul + 1 : data + size, data + size);

    // What building an architecture runs (the page's editor, `cnn train --model`): shape
    // inference and the memory limit, which must refuse absurd sizes before allocating them.
    const Analysis analysis = analyse(json, AnalysisOptions::any_output());
    require(analysis.valid() || !analysis.refusal.empty(), "a refused analysis says why");
    try {
        Model model(read_model_config(json));
        require(analysis.valid(), "a model builds only when its analysis says it can");
        require(model.param_count() == analysis.trainable_params, "the model has the weights its analysis counts");
    } catch (const std::invalid_argument& e) {
        refused(e);
        require(!analysis.valid() && analysis.refusal == e.what(), "the constructor refuses as the analysis does");
    }
    try {
        weight_shard_paths(json);
    } catch (const std::invalid_argument& e) {
        refused(e);
    }
    try {
        Model model = load_model(json, weights);
        for (float v : model.params()) require(std::isfinite(v), "loaded weights are finite");
        SavedModel saved = save_model(model);
        Model again = load_model(saved.model_json, saved.weights);
        require(again.params() == model.params(), "save → load gives the same weights");
        require(model_topology_json(again) == model_topology_json(model), "save → load gives the same topology");
        if (model.param_count() <= 100000 && model.input_shape().size() <= 4096) {
            std::vector<float> x(model.input_shape().size(), 0.5f);
            const float* y = model.forward(x.data(), 1, false);
            (void)y;
        }
    } catch (const std::invalid_argument& e) {
        refused(e);
    }
    return 0;
}
