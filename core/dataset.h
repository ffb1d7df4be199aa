// Labelled image sets read from IDX files (the MNIST format): images kept as uint8 and
// converted to floats in [0, 1] one batch at a time.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "limits.h"

namespace cnn {

struct Dataset {
    std::vector<uint8_t> images;  // [count, rows, cols]
    std::vector<uint8_t> labels;  // [count]
    int64_t count = 0;
    int rows = 0, cols = 0;

    int64_t image_size() const { return int64_t(rows) * cols; }
    // x [n, rows, cols, 1] ← images[indices[0..n)] / 255
    void gather(const uint32_t* indices, int64_t n, float* x, uint8_t* y) const;
};

// Parses IDX image bytes (magic 0x00000803: uint8, [count, rows, cols]) and IDX label bytes
// (0x00000801: uint8, [count]) into a dataset. Every check names the file (images_name,
// labels_name) and the problem: magic, type, dimensions, sizes, truncation, label range,
// and counts that differ. Throws std::invalid_argument. The byte vectors are taken over (moved
// in) so a large file is never held twice.
Dataset parse_idx(std::vector<uint8_t> image_bytes, std::vector<uint8_t> label_bytes,
                  const std::string& images_name = "images", const std::string& labels_name = "labels");

// The images alone (labels left empty), e.g. to predict them.
Dataset parse_idx_images(std::vector<uint8_t> image_bytes, const std::string& images_name = "images");

}  // namespace cnn
