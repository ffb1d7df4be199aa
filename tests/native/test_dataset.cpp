// IDX reading: the real MNIST files, and every malformed shape refused with a clear message.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "core/dataset.h"
#include "helpers.h"

using namespace cnn;

namespace {

std::vector<uint8_t> read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), path << " is missing: run npm ci first");
    return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<uint8_t> idx(uint8_t type, std::vector<uint32_t> dims, size_t body) {
    std::vector<uint8_t> b = {0, 0, type, uint8_t(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
    b.resize(b.size() + body, 1);
    return b;
}

std::string parse_error(std::vector<uint8_t> images, std::vector<uint8_t> labels) {
    return test::error_of([&] { parse_idx(images, labels, "img.idx", "lbl.idx"); });
}

}  // namespace

TEST_CASE("the real MNIST files") {
    Dataset train = parse_idx(read(test::mnist_dir() + "/train-images-idx3-ubyte"),
                              read(test::mnist_dir() + "/train-labels-idx1-ubyte"));
    CHECK(train.count == 60000);
    CHECK(train.rows == 28);
    CHECK(train.cols == 28);
    CHECK(int(train.labels[0]) == 5);  // MNIST's first training digit is a 5
    Dataset test = parse_idx(read(test::mnist_dir() + "/t10k-images-idx3-ubyte"), read(test::mnist_dir() + "/t10k-labels-idx1-ubyte"));
    CHECK(test.count == 10000);
    CHECK(int(test.labels[0]) == 7);
}

TEST_CASE("malformed IDX files are refused with the file and the problem") {
    auto images = idx(8, {2, 3, 3}, 18), labels = idx(8, {2}, 2);
    CHECK(parse_idx(images, labels).count == 2);
    CHECK(parse_error({}, labels) == "img.idx: the file is empty");
    CHECK(test::contains(parse_error({0, 0}, labels), "too short for an IDX header"));
    CHECK(test::contains(parse_error({0x1f, 0x8b, 8, 0, 0, 0}, labels), "not an IDX file"));
    CHECK(test::contains(parse_error(idx(0x0d, {2, 3, 3}, 72), labels), "IDX type code 0x0d is not supported"));
    CHECK(test::contains(parse_error(labels, images), "are the images and labels files swapped?"));
    CHECK(test::contains(parse_error(std::vector<uint8_t>(images.begin(), images.begin() + 10), labels), "header is truncated"));
    CHECK(test::contains(parse_error(idx(8, {2, 3, 3}, 17), labels), "is truncated: the header promises 2 images of 3x3 (18 bytes) but the file holds 17"));
    CHECK(test::contains(parse_error(idx(8, {2, 3, 3}, 19), labels), "1 bytes after the 2 images"));
    CHECK(test::contains(parse_error(idx(8, {0, 3, 3}, 0), labels), "holds no images"));
    CHECK(test::contains(parse_error(idx(8, {2, 0, 3}, 0), labels), "are empty"));
    CHECK(test::contains(parse_error(idx(8, {0xffffffff, 0xffffffff, 0xffffffff}, 0), labels), "larger than 4096x4096"));
    CHECK(test::contains(parse_error(idx(8, {4000000000u, 4000, 4000}, 0), labels), "is truncated"));
    CHECK(test::contains(parse_error(images, idx(8, {3}, 3)), "lbl.idx: has 3 labels but img.idx has 2 images"));
    CHECK(test::contains(parse_error(images, idx(8, {2}, 1)), "promises 2 labels but the file holds 1 (truncated)"));
    auto bad_label = labels;
    bad_label.at(bad_label.size() - 1) = 10;
    CHECK(test::contains(parse_error(images, bad_label), "label 10 of image 1 is outside 0-9"));
}
