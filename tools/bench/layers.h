// The roofline of a training step (Basic_CNN unless told), layer by layer: each layer's forward and backward
// pass timed on its own at batch 32 (Layer::forward and Layer::backward, as Model calls them, on
// the activations of a real forward pass), and the optimiser's update, with the FLOPs each pass
// would take as a direct convolution or plain GEMM. Fast algorithms (Winograd) do fewer, so their
// GFLOP/s are "effective" figures and may exceed the machine's peak.
// Times are CPU time on one thread, the least of several groups of runs: on a machine shared
// with other work, wall time would mostly measure the wait for a core. Each pass is also timed
// in wall time at each thread count asked for (the least of several groups too), so the table
// shows which passes scale and which run serially.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#include "core/drivers/conv2d.h"
#include "core/keras.h"
#include "core/model.h"
#include "core/optimizer.h"
#include "core/parallel.h"
#include "shapes.h"

namespace cnn::bench {

struct PassTiming {
    std::string layer, pass;  // pass: "forward", "backward" or "update"
    std::string algorithm;    // what ran: "winograd F(4x4,3x3)", "1-channel direct", "im2col+gemm", "gemm", ""
    double ms = 0;            // CPU time per run, 1 thread
    double flops = 0;         // direct-convolution / GEMM equivalent; 0 for memory-bound passes
    std::vector<double> wall_ms;  // wall time per run at each thread count of time_layers' `counts`
};

inline const char* algorithm_name(ConvAlgorithm a) {
    switch (a) {
        case ConvAlgorithm::Winograd: return "winograd F(4x4,3x3)";
        case ConvAlgorithm::OneChannel: return "1-channel direct";
        case ConvAlgorithm::Im2colGemm: return "im2col+gemm";
    }
    return "?";
}

#ifdef __EMSCRIPTEN__
// The Node process's CPU time (microsecond resolution; its helper threads are idle once warm).
EM_JS(double, process_cpu_ms, (), { const u = process.cpuUsage(); return (u.user + u.system) / 1000; });
inline double cpu_ms() { return process_cpu_ms(); }
#else
inline double cpu_ms() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}
#endif

inline double wall_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Milliseconds per run of fn on `clock` (cpu_ms or wall_ms), after `warmups`: runs in groups of
// at least 2 ms (the clock's resolution, and its cost, matter for short passes), the least
// per-run time of the groups run in `seconds`.
template <class Fn>
double ms_per_run(Fn fn, int warmups, double seconds, double (*clock)()) {
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmups; ++i) fn();
    int runs = 1;  // per group, doubled until a group takes 2 ms
    for (;; runs *= 2) {
        const double c0 = clock();
        for (int i = 0; i < runs; ++i) fn();
        if (clock() - c0 >= 2.0) break;
    }
    double best = std::numeric_limits<double>::infinity();
    const auto start = Clock::now();
    for (int groups = 0; groups < 5 || std::chrono::duration<double>(Clock::now() - start).count() < seconds; ++groups) {
        const double c0 = clock();
        for (int i = 0; i < runs; ++i) fn();
        best = std::min(best, (clock() - c0) / runs);
    }
    return best;
}

// What a Conv2D layer computes with: its window geometry, from its Keras config.
inline ConvGeometry conv_geometry(Layer& layer) {
    const nlohmann::json c = layer_config(layer, nullptr)["config"];
    const auto kernel = c["kernel_size"], strides = c["strides"];
    return make_conv_geometry(layer.in.h, layer.in.w, layer.in.c, kernel[0], kernel[1], strides[0], strides[1],
                              c["padding"] == "same" ? Padding::Same : Padding::Valid);
}

// Every pass of a training step of `spec`'s model: CPU time at 1 thread, then wall time at each
// of `counts` (set_num_threads; a build without threads runs 1).
inline std::vector<PassTiming> time_layers(int warmups, double seconds_each, const std::vector<int>& counts,
                                           ModelSpec spec = basic_cnn_spec(), int64_t batch = kBatch) {
    Model model(std::move(spec));
    Rng rng(1);
    model.init_weights(rng);
    const auto x = random_floats(batch * model.input_shape().size(), 3);
    std::vector<float> input(x.size());
    for (size_t i = 0; i < x.size(); ++i) input[i] = 0.5f + 0.5f * x[i];  // pixels in [0, 1]
    model.forward(input.data(), batch, true, &rng);

    std::vector<PassTiming> out;
    const auto time_pass = [&](PassTiming t, auto fn) {
        set_num_threads(1);
        t.ms = ms_per_run(fn, warmups, seconds_each, cpu_ms);
        for (int count : counts) {
            set_num_threads(count);
            t.wall_ms.push_back(ms_per_run(fn, warmups, seconds_each, wall_ms));
        }
        return t;
    };
    std::vector<float> grads(model.param_count());
    Rng dropout_rng(2);
    for (size_t i = 0; i < model.layers().size(); ++i) {
        Layer& layer = *model.layers()[i];
        const int64_t n_in = batch * layer.in.size(), n_out = batch * layer.out.size();
        std::vector<float> y(n_out), dy = random_floats(n_out, 5 + i), dx(n_in);
        std::vector<float> col(layer.scratch_floats(batch)), dcol(col.size());
        Pass p;
        p.batch = batch, p.training = true, p.rng = &dropout_rng;
        p.params = model.params().data(), p.grads = grads.data(), p.state = model.non_trainable().data();
        p.col = col.data(), p.dcol = dcol.data();
        const float* in = i == 0 ? input.data() : model.layer_output(i - 1);
        float* dinput = i == 0 ? nullptr : dx.data();  // the model never needs the input's gradient

        std::string algorithm;
        double flops = 0;  // of the forward pass
        const std::string kind = layer.class_name();
        if (kind == "Conv2D") {
            const ConvGeometry g = conv_geometry(layer);
            algorithm = algorithm_name(conv2d_algorithm(g, layer.out.c));
            flops = 2.0 * batch * g.out_pixels() * layer.out.c * g.patch_size();
        } else if (kind == "Dense") {
            algorithm = "gemm";
            flops = 2.0 * batch * layer.in.c * layer.out.c;
        }
        if (kind == "Flatten") continue;  // a copy
        // The backward runs on the layer's own output (its activation's mask); it overwrites dy
        // with dz in place, as the model lets it, which changes the values but not the work.
        const float* own = model.layer_output(i);
        out.push_back(time_pass({layer.name, "forward", algorithm, 0, flops, {}}, [&] { layer.forward(p, in, y.data()); }));
        out.push_back(time_pass({layer.name, "backward", algorithm, 0, flops * (dinput ? 2 : 1), {}},
                                [&] { layer.backward(p, in, own, dy.data(), dinput); }));
    }
    OptimizerConfig adam;
    Optimizer optimizer(adam, model.param_count());
    std::vector<float> params = model.params();
    for (auto& g : grads) g *= 1e-3f;
    out.push_back(time_pass({"Adam", "update", "", 0, 0, {}}, [&] {
        model.zero_grads();  // once a step, as Trainer::run does
        optimizer.step(params.data(), grads.data());
    }));
    set_num_threads(1);
    return out;
}

}  // namespace cnn::bench
