// Augmentation geometry: translation by exact pixels, rotation of a known image, zoom about the
// centre, the fill modes, and Keras' factor ranges drawn per image from the seed.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "core/augment.h"
#include "core/fit_config.h"
#include "helpers.h"

using namespace cnn;

namespace {

// A 4×5 single-channel image with a distinct value in every pixel: 10·row + column.
constexpr int H = 4, W = 5;
std::vector<float> ramp() {
    std::vector<float> img(H * W);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) img[y * W + x] = float(10 * y + x);
    return img;
}

std::vector<float> transformed(const std::vector<float>& in, int h, int w, const Affine& t,
                               FillMode fill = FillMode::Constant, float fill_value = -1,
                               Interpolation interpolation = Interpolation::Bilinear) {
    std::vector<float> out(in.size());
    affine_transform(in.data(), out.data(), h, w, 1, t, fill, fill_value, interpolation);
    return out;
}

// A layer whose factors are the single value v, so the drawn map is known.
AugmentLayer fixed(AugmentKind kind, double height, double width) {
    AugmentLayer l;
    l.kind = kind;
    l.height_lower = l.height_upper = height;
    l.width_lower = l.width_upper = width;
    return l;
}

}  // namespace

TEST_CASE("RandomTranslation by a whole number of pixels moves the image exactly, filling what comes in") {
    // height_factor 0.25 of 4 rows = 1 row down; width_factor −0.4 of 5 columns = 2 columns left.
    Rng rng(1);
    const Affine t = draw_transform(fixed(AugmentKind::RandomTranslation, 0.25, -0.4), H, W, rng);
    CHECK(t == Affine{1, 0, 2, 0, 1, -1});
    const std::vector<float> out = transformed(ramp(), H, W, t);
    const std::vector<float> want = {-1, -1, -1, -1, -1,  //
                                     2,  3,  4,  -1, -1,  //
                                     12, 13, 14, -1, -1,  //
                                     22, 23, 24, -1, -1};
    CHECK(out == want);
    // 'nearest' repeats the edge pixels instead.
    const std::vector<float> nearest = transformed(ramp(), H, W, t, FillMode::Nearest);
    CHECK(nearest == std::vector<float>{2, 3, 4, 4, 4, 2, 3, 4, 4, 4, 12, 13, 14, 14, 14, 22, 23, 24, 24, 24});
}

TEST_CASE("a half-pixel translation interpolates bilinearly between neighbours") {
    // Half a pixel right: each pixel is the mean of itself and its left neighbour; column 0 mixes
    // the fill value (0) in.
    const Affine t = {1, 0, -0.5f, 0, 1, 0};
    const std::vector<float> out = transformed(ramp(), H, W, t, FillMode::Constant, 0);
    CHECK(out[0] == doctest::Approx(0.0));       // (0 + 0) / 2
    CHECK(out[1] == doctest::Approx(0.5));       // (0 + 1) / 2
    CHECK(out[W + 4] == doctest::Approx(13.5));  // (13 + 14) / 2
    CHECK(transformed(ramp(), H, W, t, FillMode::Constant, 0, Interpolation::Nearest)[1] == 1.0f);  // round(0.5) = 1
}

TEST_CASE("RandomRotation by a quarter turn rotates counter-clockwise about the centre") {
    // A 3×3 image: factor 0.25 of a full turn = 90°. The right column becomes the top row.
    const std::vector<float> img = {1, 2, 3,  //
                                    4, 5, 6,  //
                                    7, 8, 9};
    Rng rng(1);
    const Affine t = draw_transform(fixed(AugmentKind::RandomRotation, 0.25, 0), 3, 3, rng);
    const std::vector<float> out = transformed(img, 3, 3, t);
    const std::vector<float> want = {3, 6, 9,  //
                                     2, 5, 8,  //
                                     1, 4, 7};
    for (int i = 0; i < 9; ++i) CHECK(out[i] == doctest::Approx(want[i]).epsilon(1e-5));
    // A half turn: the image upside down and mirrored.
    const std::vector<float> half = transformed(img, 3, 3, draw_transform(fixed(AugmentKind::RandomRotation, -0.5, 0), 3, 3, rng));
    for (int i = 0; i < 9; ++i) CHECK(half[i] == doctest::Approx(10 - img[i]).epsilon(1e-5));
}

TEST_CASE("RandomZoom scales about the centre: positive zooms out, negative in") {
    // 5×5, zoom factor 1 (2×: the output covers twice the input). Output (x, y) reads input
    // (2x − 2, 2y − 2): the centre stays, (1, 1) reads (0, 0), the corners read outside.
    std::vector<float> img(25);
    for (int i = 0; i < 25; ++i) img[i] = float(i);
    Rng rng(1);
    AugmentLayer zoom = fixed(AugmentKind::RandomZoom, 1.0, 0);
    zoom.has_width = false;  // the width zooms as the height does
    const Affine out_t = draw_transform(zoom, 5, 5, rng);
    CHECK(out_t == Affine{2, 0, -2, 0, 2, -2});
    const std::vector<float> out = transformed(img, 5, 5, out_t);
    CHECK(out[2 * 5 + 2] == 12);  // the centre
    CHECK(out[1 * 5 + 1] == 0);   // input (0, 0)
    CHECK(out[3 * 5 + 3] == 24);  // input (4, 4)
    CHECK(out[0] == -1);          // outside: the fill value
    // −0.5: zoomed in 2×, output (x, y) reads (x/2 + 1, y/2 + 1).
    zoom.height_lower = zoom.height_upper = -0.5;
    const std::vector<float> in = transformed(img, 5, 5, draw_transform(zoom, 5, 5, rng));
    CHECK(in[0] == 6);                            // input (1, 1)
    CHECK(in[1] == doctest::Approx(6.5));         // input (1.5, 1)
    CHECK(in[4 * 5 + 4] == 18);                   // input (3, 3)
}

TEST_CASE("reflect and wrap bring outside coordinates back as TensorFlow does") {
    // A whole-row shift of 2 left in a row of 5: reflect reads d c b a | a b c d, wrap a b c d | a b c d.
    const std::vector<float> row = {0, 1, 2, 3, 4};
    const Affine left = {1, 0, 2, 0, 1, 0};
    CHECK(transformed(row, 1, 5, left, FillMode::Reflect) == std::vector<float>{2, 3, 4, 4, 3});
    CHECK(transformed(row, 1, 5, left, FillMode::Wrap) == std::vector<float>{2, 3, 4, 0, 1});
}

TEST_CASE("the Augmenter draws within the factors, per image, the same for the same seed") {
    const TrainConfig c = read_fit_config(R"({"seed": 7, "augmentation": [
        {"class_name": "RandomTranslation", "config": {"height_factor": 0.2, "width_factor": [0.0, 0.3], "fill_mode": "constant"}},
        {"class_name": "RandomRotation", "config": {"factor": 0.05, "fill_mode": "nearest", "seed": null}},
        {"class_name": "RandomZoom", "config": {"height_factor": [-0.2, 0.1], "interpolation": "nearest"}}]})");
    REQUIRE(c.augmentation.layers.size() == 3);
    Rng rng(5);
    for (int i = 0; i < 200; ++i) {
        const Affine t = draw_transform(c.augmentation.layers[0], 28, 28, rng);
        CHECK(std::abs(t[5]) <= 0.2f * 28);           // dy in [−5.6, 5.6]
        CHECK((t[2] <= 0 && t[2] >= -0.3f * 28));     // dx in [0, 8.4]: the map reads at x − dx
        const Affine z = draw_transform(c.augmentation.layers[2], 28, 28, rng);
        CHECK((z[0] >= 0.8f && z[0] <= 1.1f));
        CHECK(z[0] == z[4]);  // no width factor: one zoom for both
    }
    std::vector<float> a(4 * 28 * 28, 0.5f), b = a;
    for (int i = 0; i < 28; ++i) a[i * 28 + 14] = b[i * 28 + 14] = 1.0f;  // a vertical line in image 0
    Augmenter(c.augmentation, c.seed).apply(a.data(), 4, 28, 28, 1);
    Augmenter(c.augmentation, c.seed).apply(b.data(), 4, 28, 28, 1);
    CHECK(a == b);
    std::vector<float> other(4 * 28 * 28, 0.5f);
    for (int i = 0; i < 28; ++i) other[i * 28 + 14] = 1.0f;
    Augmenter(c.augmentation, c.seed + 1).apply(other.data(), 4, 28, 28, 1);
    CHECK(other != a);
}

TEST_CASE("bad augmentation layers are refused, naming the field") {
    auto error = [](const std::string& layer) {
        return test::error_of([&] { read_fit_config(R"({"augmentation": [)" + layer + "]}"); });
    };
    CHECK(error(R"({"class_name": "RandomFlip", "config": {}})") ==
          "unknown augmentation layer 'RandomFlip' (expected RandomTranslation, RandomRotation or RandomZoom)");
    CHECK(error(R"({"class_name": "RandomRotation", "config": {}})") == "RandomRotation: factor is required");
    CHECK(error(R"({"class_name": "RandomRotation", "config": {"factor": -0.1}})") ==
          "RandomRotation: factor must be at least 0 when it is one number (it means [-f, f]); give [lower, upper] otherwise");
    CHECK(error(R"({"class_name": "RandomTranslation", "config": {"height_factor": 1.5, "width_factor": 0}})") ==
          "RandomTranslation: height_factor must be in [-1, 1] (got -1.5)");
    CHECK(error(R"({"class_name": "RandomZoom", "config": {"height_factor": [0.2, -0.2]}})") ==
          "RandomZoom: height_factor's lower bound is above its upper one");
    CHECK(error(R"({"class_name": "RandomZoom", "config": {"height_factor": 0.1, "fill_mode": "mirror"}})") ==
          "RandomZoom: fill_mode must be reflect, wrap, nearest or constant (got 'mirror')");
    CHECK(error(R"({"class_name": "RandomZoom", "config": {"height_factor": "a lot"}})") ==
          "RandomZoom: height_factor must be a number or [lower, upper] (got \"a lot\")");
    CHECK(error(R"({"class_name": "RandomZoom", "config": {"height_factor": 0.1, "data_format": "channels_first"}})") ==
          "RandomZoom: data_format is not supported here (got \"channels_first\")");
}
