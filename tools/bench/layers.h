// The roofline of a Basic_CNN training step, layer by layer: each layer's forward and backward
// pass timed on its own at batch 32 (the functions Model::forward and Model::backward call, on
// the activations of a real forward pass), and the optimiser's update, with the FLOPs each pass
// would take as a direct convolution or plain GEMM. Fast algorithms (Winograd) do fewer, so their
// GFLOP/s are "effective" figures and may exceed the machine's peak.
// Times are CPU time on one thread, the least of several groups of runs: on a machine shared
// with other work, wall time would mostly measure the wait for a core.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#include "core/drivers/conv2d.h"
#include "core/model.h"
#include "core/optimizer.h"
#include "shapes.h"

namespace cnn::bench {

struct PassTiming {
    std::string layer, pass;  // pass: "forward", "backward" or "update"
    std::string algorithm;    // what ran: "winograd", "1-channel direct", "im2col+gemm", "gemm", ""
    double ms = 0;            // CPU time per run
    double flops = 0;         // direct-convolution / GEMM equivalent; 0 for memory-bound passes
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

// CPU milliseconds per run of fn, after `warmups`: runs in groups of at least 2 ms (the clock's
// resolution matters for short passes), the least per-run time of the groups in `seconds`.
template <class Fn>
double cpu_ms_per_run(Fn fn, int warmups, double seconds) {
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmups; ++i) fn();
    double best = std::numeric_limits<double>::infinity();
    const auto start = Clock::now();
    for (int groups = 0; groups < 5 || std::chrono::duration<double>(Clock::now() - start).count() < seconds; ++groups) {
        const double c0 = cpu_ms();
        int runs = 0;
        double used = 0;
        do {
            fn();
            ++runs;
            used = cpu_ms() - c0;
        } while (used < 2.0);
        best = std::min(best, used / runs);
    }
    return best;
}

inline std::vector<PassTiming> time_layers(int warmups, double seconds_each, int64_t batch = kBatch) {
    Model model(basic_cnn_spec());
    Rng rng(1);
    model.init_weights(rng);
    const auto x = random_floats(batch * model.input_shape().size(), 3);
    std::vector<float> input(x.size());
    for (size_t i = 0; i < x.size(); ++i) input[i] = 0.5f + 0.5f * x[i];  // pixels in [0, 1]
    model.forward(input.data(), batch, true, &rng);

    const auto& layers = model.layers();
    std::vector<PassTiming> out;
    std::vector<float> grads(model.param_count());
    Rng dropout_rng(2);
    for (size_t i = 0; i < layers.size(); ++i) {
        const Layer& l = layers[i];
        const LayerSpec& s = l.spec;
        const float* in = i == 0 ? input.data() : model.layer_output(i - 1);
        const float* y = model.layer_output(i);
        const float* kernel = model.params().data() + l.kernel_offset;
        const float* bias = l.bias_count ? model.params().data() + l.bias_offset : nullptr;
        float* dkernel = grads.data() + l.kernel_offset;
        float* dbias = l.bias_count ? grads.data() + l.bias_offset : nullptr;
        const int64_t n_in = batch * l.in.size(), n_out = batch * l.out.size();
        std::vector<float> out_buffer(n_out), dy = random_floats(n_out, 5 + i), dz(n_out), dx(n_in);
        float* dinput = i == 0 ? nullptr : dx.data();  // the model never needs the input's gradient
        auto add = [&](const char* pass, const char* algorithm, double flops, auto fn) {
            out.push_back({s.name, pass, algorithm, cpu_ms_per_run(fn, warmups, seconds_each), flops});
        };
        switch (s.kind) {
            case LayerKind::Conv2D: {
                const ConvGeometry& g = l.geometry;
                const double macs = double(batch) * g.out_pixels() * s.filters * g.patch_size();
                const char* algorithm = algorithm_name(conv2d_algorithm(g, s.filters));
                std::vector<float> col(std::min(batch, conv_chunk_images(g)) * g.out_pixels() * g.patch_size()), dcol(col.size());
                add("forward", algorithm, 2 * macs,
                    [&] { conv2d_forward(out_buffer.data(), in, kernel, bias, batch, g, s.filters, s.activation, col.data()); });
                add("backward", algorithm, 2 * macs * (dinput ? 2 : 1), [&] {
                    activation_backward(dz.data(), dy.data(), y, n_out / s.filters, s.filters, s.activation);
                    conv2d_backward(dinput, dkernel, dbias, dz.data(), in, kernel, batch, g, s.filters, col.data(), dcol.data());
                });
                break;
            }
            case LayerKind::Dense: {
                const double macs = double(batch) * l.in.c * s.units;
                add("forward", "gemm", 2 * macs,
                    [&] { dense_forward(out_buffer.data(), in, kernel, bias, batch, l.in.c, s.units, s.activation); });
                add("backward", "gemm", 2 * macs * 2, [&] {
                    if (s.activation != Activation::Softmax)
                        activation_backward(dz.data(), dy.data(), y, batch, s.units, s.activation);
                    dense_backward(dinput, dkernel, dbias, s.activation == Activation::Softmax ? dy.data() : dz.data(), in,
                                   kernel, batch, l.in.c, s.units);
                });
                break;
            }
            case LayerKind::MaxPool2D: {
                std::vector<int32_t> argmax(n_out);
                add("forward", "", 0, [&] { maxpool2d_forward(out_buffer.data(), argmax.data(), in, batch, l.geometry); });
                add("backward", "", 0, [&] { maxpool2d_backward(dx.data(), dy.data(), argmax.data(), batch, l.geometry); });
                break;
            }
            case LayerKind::Dropout: {
                std::vector<float> mask(n_out);
                add("forward", "", 0, [&] { dropout_forward(out_buffer.data(), mask.data(), in, n_out, s.rate, dropout_rng); });
                add("backward", "", 0, [&] { dropout_backward(dx.data(), dy.data(), mask.data(), n_out); });
                break;
            }
            case LayerKind::Flatten:
            case LayerKind::Activation: break;
        }
    }
    OptimizerConfig adam;
    Optimizer optimizer(adam, model.param_count());
    std::vector<float> params = model.params();
    for (auto& g : grads) g *= 1e-3f;
    out.push_back({"Adam", "update", "", cpu_ms_per_run([&] {
                       std::fill(model.grads().begin(), model.grads().end(), 0.0f);  // as zero_grads() does
                       optimizer.step(params.data(), grads.data());
                   }, warmups, seconds_each), 0});
    return out;
}

}  // namespace cnn::bench
