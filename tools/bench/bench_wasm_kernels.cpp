// The WebAssembly half of the kernel figures for `npm run bench`: the SIMD128 mul+add peak of
// one core and the GFLOP/s of the same GEMM shapes as the native bench, compiled with the
// flags of the page's modules (-O3 -msimd128) by tools/bench/run.mjs and called from Node.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/kernels/gemm.h"
#include "peak.h"
#include "shapes.h"

using namespace cnn;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string result;

}  // namespace

// {"simd":…, "peaks":[…], "kernels":[…]} as a C string, valid until the next call.
extern "C" const char* bench_kernels_json(double peak_seconds, double seconds_each) {
    char line[512];
    result = std::string("{\"simd\":\"") + bench::simd_name() + "\",\"lanes\":" + std::to_string(bench::simd_lanes());
    std::snprintf(line, sizeof line, ",\"peaks\":[{\"isa\":\"wasm simd128 mul+add\",\"lanes\":4,\"gflops\":%.3f}]",
                  bench::peak_gflops<xsimd::wasm, false>(peak_seconds));
    result += line;
    result += ",\"kernels\":[";
    bool first = true;
    for (const auto& s : bench::gemm_shapes()) {
        auto a = bench::random_floats(s.M * s.K, 1), b = bench::random_floats(s.K * s.N, 2);
        std::vector<float> c(s.M * s.N);
        const MatView A = s.transpose_a ? row_major(a.data(), s.M).transposed() : row_major(a.data(), s.K);
        const MatView B = s.transpose_b ? row_major(b.data(), s.K).transposed() : row_major(b.data(), s.N);
        auto run = [&] { gemm(s.M, s.N, s.K, A, B, c.data(), s.N, false); };
        for (int i = 0; i < 3; ++i) run();  // the optimising tier
        std::vector<double> rates;
        const auto start = Clock::now();
        while (rates.size() < 5 || seconds_since(start) < seconds_each) {
            const auto t = Clock::now();
            run();
            rates.push_back(2.0 * s.M * s.N * s.K / seconds_since(t) * 1e-9);
        }
        std::sort(rates.begin(), rates.end());
        std::snprintf(line, sizeof line,
                      "%s{\"name\":\"%s\",\"M\":%lld,\"N\":%lld,\"K\":%lld,\"gflops\":%.3f,\"best_gflops\":%.3f}",
                      first ? "" : ",", s.name, (long long)s.M, (long long)s.N, (long long)s.K, rates[rates.size() / 2],
                      rates.back());
        result += line;
        first = false;
    }
    result += "]}";
    return result.c_str();
}
