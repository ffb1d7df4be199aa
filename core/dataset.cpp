#include "dataset.h"

#include <algorithm>

#include "refuse.h"

namespace cnn {
namespace {

struct IdxHeader {
    std::vector<uint32_t> dims;
    size_t data_offset = 0;
};

uint32_t read_be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// The IDX header: two zero bytes, a type code (0x08 = unsigned byte), the number of
// dimensions, then each dimension as a big-endian uint32.
IdxHeader read_idx_header(const std::vector<uint8_t>& bytes, const std::string& name, uint8_t want_dims,
                          const char* what) {
    if (bytes.empty()) refuse(name + ": the file is empty");
    if (bytes.size() < 4)
        refuse(name + ": the file is too short for an IDX header (" + std::to_string(bytes.size()) + " bytes)");
    if (bytes[0] != 0 || bytes[1] != 0)
        refuse(name + ": not an IDX file (the first two bytes must be 0; a gzip file must be decompressed first)");
    if (bytes[2] != 0x08)
        refuse(name + ": IDX type code 0x" + std::string(1, "0123456789abcdef"[bytes[2] >> 4]) +
               std::string(1, "0123456789abcdef"[bytes[2] & 15]) + " is not supported (expected 0x08, unsigned bytes)");
    if (bytes[3] != want_dims)
        refuse(name + ": has " + std::to_string(bytes[3]) + " dimensions but " + what + " need " +
               std::to_string(want_dims) + (want_dims == 3 ? " (count, rows, cols)" : " (count)") +
               " — are the images and labels files swapped?");
    IdxHeader h;
    h.data_offset = 4 + 4 * size_t(want_dims);
    if (bytes.size() < h.data_offset) refuse(name + ": the IDX header is truncated");
    for (int d = 0; d < want_dims; ++d) h.dims.push_back(read_be32(bytes.data() + 4 + 4 * d));
    return h;
}

}  // namespace

void Dataset::gather(const uint32_t* indices, int64_t n, float* x, uint8_t* y) const {
    const int64_t size = image_size();
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t* src = images.data() + int64_t(indices[i]) * size;
        for (int64_t k = 0; k < size; ++k) x[i * size + k] = src[k] * (1.0f / 255.0f);
        if (y) y[i] = labels[indices[i]];
    }
}

Dataset parse_idx_images(std::vector<uint8_t> image_bytes, const std::string& images_name) {
    IdxHeader ih = read_idx_header(image_bytes, images_name, 3, "images");
    const uint64_t count = ih.dims[0], rows = ih.dims[1], cols = ih.dims[2];
    if (count == 0) refuse(images_name + ": holds no images (count is 0)");
    if (rows == 0 || cols == 0)
        refuse(images_name + ": images of size " + std::to_string(rows) + "x" + std::to_string(cols) + " are empty");
    if (rows > kMaxImageSide || cols > kMaxImageSide)
        refuse(images_name + ": images of " + std::to_string(rows) + "x" + std::to_string(cols) +
               " pixels are larger than " + std::to_string(kMaxImageSide) + "x" + std::to_string(kMaxImageSide));
    // count < 2^32 and rows·cols ≤ kMaxImageSide² = 2^24, so the product fits in 64 bits.
    const uint64_t body = count * rows * cols;
    const uint64_t have = image_bytes.size() - ih.data_offset;
    if (have < body)
        refuse(images_name + ": is truncated: the header promises " + std::to_string(count) + " images of " +
               std::to_string(rows) + "x" + std::to_string(cols) + " (" + std::to_string(body) +
               " bytes) but the file holds " + std::to_string(have));
    if (have > body)
        refuse(images_name + ": has " + std::to_string(have - body) + " bytes after the " + std::to_string(count) +
               " images the header declares");
    Dataset d;
    d.count = static_cast<int64_t>(count);
    d.rows = static_cast<int>(rows), d.cols = static_cast<int>(cols);
    image_bytes.erase(image_bytes.begin(), image_bytes.begin() + ih.data_offset);
    d.images = std::move(image_bytes);
    return d;
}

Dataset parse_idx(std::vector<uint8_t> image_bytes, std::vector<uint8_t> label_bytes, const std::string& images_name,
                  const std::string& labels_name) {
    IdxHeader lh = read_idx_header(label_bytes, labels_name, 1, "labels");
    Dataset d = parse_idx_images(std::move(image_bytes), images_name);
    const uint64_t label_count = lh.dims[0], label_have = label_bytes.size() - lh.data_offset;
    if (label_have != label_count)
        refuse(labels_name + ": the header promises " + std::to_string(label_count) + " labels but the file holds " +
               std::to_string(label_have) + (label_have < label_count ? " (truncated)" : " (extra bytes)"));
    if (label_count != uint64_t(d.count))
        refuse(labels_name + ": has " + std::to_string(label_count) + " labels but " + images_name + " has " +
               std::to_string(d.count) + " images; they must match");
    label_bytes.erase(label_bytes.begin(), label_bytes.begin() + lh.data_offset);
    d.labels = std::move(label_bytes);
    auto bad = std::find_if(d.labels.begin(), d.labels.end(), [](uint8_t v) { return v > kMaxLabel; });
    if (bad != d.labels.end())
        refuse(labels_name + ": label " + std::to_string(*bad) + " of image " + std::to_string(bad - d.labels.begin()) +
               " is outside 0-" + std::to_string(kMaxLabel));
    return d;
}

}  // namespace cnn
