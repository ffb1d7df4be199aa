// libFuzzer target for the IDX reader. Input layout (see make-corpus.mjs):
//   byte 0        mode: odd = an images file alone (parse_idx_images), even = an images/labels pair
//   bytes 1..2    pair mode: length of the images file, little-endian; the labels file is the rest
// Every input must either be refused with std::invalid_argument or give a dataset whose sizes
// agree with its header; anything else (a crash, a sanitizer report, another exception) is a bug.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/dataset.h"
#include "core/trainer.h"
#include "invariant.h"

using namespace cnn;

namespace {

void check_dataset(const Dataset& d, bool with_labels) {
    require(d.count > 0 && d.rows > 0 && d.cols > 0, "a parsed dataset is not empty");
    require(int64_t(d.images.size()) == d.count * d.image_size(), "images hold count x rows x cols bytes");
    if (with_labels) {
        require(int64_t(d.labels.size()) == d.count, "one label per image");
        for (uint8_t l : d.labels) require(l <= kMaxLabel, "labels are 0-9");
    }
    // Reading the first and last image must stay inside the buffers.
    std::vector<float> x(2 * d.image_size());
    std::vector<uint8_t> y(2);
    const uint32_t indices[2] = {0, static_cast<uint32_t>(d.count - 1)};
    d.gather(indices, 2, x.data(), with_labels ? y.data() : nullptr);
    for (float v : x) require(v >= 0.0f && v <= 1.0f, "pixels scale to [0, 1]");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const bool images_only = data[0] & 1;
    try {
        if (images_only) {
            Dataset d = parse_idx_images(std::vector<uint8_t>(data + 1, data + size), "images");
            check_dataset(d, false);
            return 0;
        }
        if (size < 3) return 0;
        size_t split = std::min<size_t>(size - 3, size_t(data[1]) | size_t(data[2]) << 8);
        std::vector<uint8_t> images(data + 3, data + 3 + split), labels(data + 3 + split, data + size);
        Dataset d = parse_idx(std::move(images), std::move(labels), "images", "labels");
        check_dataset(d, true);
        // The check the trainer and the CLI run before using a dataset with a model.
        static Model mnist_model(basic_cnn_spec());
        try {
            check_compatible(mnist_model, d, "training");
            require(d.rows == 28 && d.cols == 28, "only 28x28 images fit a 28x28 model");
        } catch (const std::invalid_argument&) {
            require(d.rows != 28 || d.cols != 28, "28x28 images fit a 28x28 model");
        }
    } catch (const std::invalid_argument&) {
        // Refused with a message: the expected outcome for malformed input.
    }
    return 0;
}
