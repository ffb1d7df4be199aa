#include "augment.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "parallel.h"

namespace cnn {

const char* augment_name(AugmentKind kind) {
    switch (kind) {
        case AugmentKind::RandomTranslation: return "RandomTranslation";
        case AugmentKind::RandomRotation: return "RandomRotation";
        case AugmentKind::RandomZoom: return "RandomZoom";
    }
    return "?";
}

Affine draw_transform(const AugmentLayer& l, int h, int w, Rng& rng) {
    auto draw = [&](double lower, double upper) { return lower + (upper - lower) * double(rng.uniform()); };
    switch (l.kind) {
        case AugmentKind::RandomTranslation: {
            const double dy = draw(l.height_lower, l.height_upper) * h, dx = draw(l.width_lower, l.width_upper) * w;
            return {1, 0, float(-dx), 0, 1, float(-dy)};
        }
        case AugmentKind::RandomRotation: {
            // About the image's centre ((w−1)/2, (h−1)/2), as Keras' rotation matrix.
            const double angle = draw(l.height_lower, l.height_upper) * 2.0 * 3.14159265358979323846;
            const double c = std::cos(angle), s = std::sin(angle);
            const double x_offset = ((w - 1) - (c * (w - 1) - s * (h - 1))) / 2.0;
            const double y_offset = ((h - 1) - (s * (w - 1) + c * (h - 1))) / 2.0;
            return {float(c), float(-s), float(x_offset), float(s), float(c), float(y_offset)};
        }
        case AugmentKind::RandomZoom: {
            const double zy = 1.0 + draw(l.height_lower, l.height_upper);
            const double zx = l.has_width ? 1.0 + draw(l.width_lower, l.width_upper) : zy;
            return {float(zx), 0, float((w - 1) / 2.0 * (1.0 - zx)), 0, float(zy), float((h - 1) / 2.0 * (1.0 - zy))};
        }
    }
    return {1, 0, 0, 0, 1, 0};
}

namespace {

// A coordinate outside [0, len − 1] brought inside as the fill mode says (TensorFlow's
// MapCoordinate); 'constant' leaves it outside, where reading gives the fill value.
float map_coordinate(float x, int len, FillMode mode) {
    const float last = float(len - 1);
    if (mode == FillMode::Constant) return x;
    if (mode == FillMode::Nearest || len <= 1) return std::clamp(x, 0.0f, last);
    if (mode == FillMode::Reflect) {  // d c b a | a b c d | d c b a
        const float period = 2.0f * float(len);
        if (x < 0) {
            x += period * std::trunc(-x / period);
            x = x < -float(len) ? x + period : -x - 1.0f;
        } else if (x > last) {
            x -= period * std::trunc(x / period);
            if (x >= float(len)) x = period - x - 1.0f;
        }
    } else {  // Wrap: a b c d | a b c d | a b c d
        if (x < 0)
            x += float(len) * (std::trunc(-x / last) + 1.0f);
        else if (x > last)
            x -= float(len) * std::trunc(x / last);
    }
    return std::clamp(x, 0.0f, last);
}

}  // namespace

void affine_transform(const float* in, float* out, int h, int w, int c, const Affine& t, FillMode fill,
                      float fill_value, Interpolation interpolation) {
    // (y, x) are whole numbers; compared as floats first, so no far-off coordinate overflows an int.
    auto read = [&](float y, float x, int ch) {
        return y >= 0 && y < float(h) && x >= 0 && x < float(w) ? in[(int64_t(y) * w + int64_t(x)) * c + ch] : fill_value;
    };
    for (int oy = 0; oy < h; ++oy)
        for (int ox = 0; ox < w; ++ox) {
            const float x = map_coordinate(t[0] * ox + t[1] * oy + t[2], w, fill);
            const float y = map_coordinate(t[3] * ox + t[4] * oy + t[5], h, fill);
            float* o = out + (int64_t(oy) * w + ox) * c;
            if (interpolation == Interpolation::Nearest) {
                for (int ch = 0; ch < c; ++ch) o[ch] = read(std::round(y), std::round(x), ch);
                continue;
            }
            const float x0 = std::floor(x), y0 = std::floor(y), x1 = x0 + 1, y1 = y0 + 1;
            for (int ch = 0; ch < c; ++ch) {
                const float top = (x1 - x) * read(y0, x0, ch) + (x - x0) * read(y0, x1, ch);
                const float bottom = (x1 - x) * read(y1, x0, ch) + (x - x0) * read(y1, x1, ch);
                o[ch] = (y1 - y) * top + (y - y0) * bottom;
            }
        }
}

// The augmentation's stream is apart from the shuffling and dropout one, so turning it on
// leaves the order of the batches as it was.
Augmenter::Augmenter(Augmentation augmentation, uint64_t seed)
    : augmentation_(std::move(augmentation)), rng_(seed ^ 0x5a17a5eedULL) {}

void Augmenter::apply(float* x, int64_t n, int h, int w, int c) {
    const size_t layers = augmentation_.layers.size();
    if (!layers) return;
    // Drawn one after the other (the same maps on any number of threads), applied in parallel.
    transforms_.resize(size_t(n) * layers);
    for (int64_t i = 0; i < n; ++i)
        for (size_t l = 0; l < layers; ++l) transforms_[i * layers + l] = draw_transform(augmentation_.layers[l], h, w, rng_);
    const int64_t size = int64_t(h) * w * c;
    scratch_.resize(size_t(n * size));
    parallel_for(n, 1, [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i) {
            float *src = x + i * size, *dst = scratch_.data() + i * size;
            for (size_t l = 0; l < layers; ++l) {
                const AugmentLayer& layer = augmentation_.layers[l];
                affine_transform(src, dst, h, w, c, transforms_[i * layers + l], layer.fill_mode, layer.fill_value,
                                 layer.interpolation);
                std::swap(src, dst);
            }
            if (src != x + i * size) std::copy(src, src + size, x + i * size);
        }
    });
}

}  // namespace cnn
