// What the fuzz targets share: an invariant that does not hold is a bug, reported and ended with
// abort() so that libFuzzer keeps the input that broke it.
#pragma once
#include <cstdio>
#include <cstdlib>

inline void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}
