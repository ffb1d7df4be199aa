// The WebAssembly half of the kernel figures for `npm run bench`: the SIMD128 mul+add peak of
// one core, the GFLOP/s of the same GEMM shapes as the native bench, and the per-layer roofline
// of a training step (layers.h), compiled with the flags of the page's modules (-O3 -msimd128)
// by tools/bench/run.mjs and called from Node.
#include <cstdio>
#include <string>
#include <vector>

#include "core/kernels/gemm.h"
#include "core/parallel.h"
#include "layers.h"
#include "peak.h"
#include "shapes.h"

using namespace cnn;

namespace {

std::string result;

}  // namespace

// {"simd":…, "peaks":[…], "kernels":[…], "layers":[…]} as a C string, valid until the next call;
// the layers are timed in wall time at 1 thread and, in the threads build, at `threads` too.
extern "C" const char* bench_kernels_json(double peak_seconds, double seconds_each, double layer_seconds, int threads) {
    char line[512];
    result = std::string("{\"simd\":\"") + bench::simd_name() + "\",\"lanes\":" + std::to_string(bench::simd_lanes());
    std::snprintf(line, sizeof line, ",\"peaks\":[{\"isa\":\"wasm simd128 mul+add\",\"lanes\":4,\"gflops\":%.3f}]",
                  bench::peak_gflops<xsimd::wasm, false>(peak_seconds));
    result += line;
    result += ",\"kernels\":[";
    bool first = true;
    for (const auto& s : bench::gemm_shapes()) {
        const std::vector<double> rates = bench::gemm_rates(s, 3, seconds_each);
        std::snprintf(line, sizeof line,
                      "%s{\"name\":\"%s\",\"M\":%lld,\"N\":%lld,\"K\":%lld,\"gflops\":%.3f,\"best_gflops\":%.3f}",
                      first ? "" : ",", s.name, (long long)s.M, (long long)s.N, (long long)s.K, rates[rates.size() / 2],
                      rates.back());
        result += line;
        first = false;
    }
    result += "],\"layers\":[";
    first = true;
    std::vector<int> counts{1};
    if (threads > 1 && set_num_threads(threads) == threads) counts.push_back(threads);
    for (const auto& t : bench::time_layers(3, layer_seconds, counts)) {
        std::snprintf(line, sizeof line, "%s{\"layer\":\"%s\",\"pass\":\"%s\",\"algorithm\":\"%s\",\"ms\":%.4f,\"flops\":%.0f,\"wall_ms\":{",
                      first ? "" : ",", t.layer.c_str(), t.pass.c_str(), t.algorithm.c_str(), t.ms, t.flops);
        result += line;
        for (size_t c = 0; c < counts.size(); ++c) {
            std::snprintf(line, sizeof line, "%s\"%d\":%.4f", c ? "," : "", counts[c], t.wall_ms[c]);
            result += line;
        }
        result += "}}";
        first = false;
    }
    result += "]}";
    return result.c_str();
}
