// Augmentation of the training images, as Keras' RandomTranslation, RandomRotation and RandomZoom
// layers do it, applied here per batch in the trainer (a training setting, never a saved layer).
// Each layer draws an affine map per image and resamples the image through it, in the layers'
// order, exactly as TensorFlow's ImageProjectiveTransformV3 (which those layers call) samples:
// the output pixel (x, y) reads the input at (a0·x + a1·y + a2, b0·x + b1·y + b2), pixel centres
// at whole coordinates, bilinear or nearest, with the fill mode deciding what lies outside.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "rng.h"

namespace cnn {

enum class AugmentKind { RandomTranslation, RandomRotation, RandomZoom };
enum class FillMode { Reflect, Wrap, Nearest, Constant };
enum class Interpolation { Bilinear, Nearest };

struct AugmentLayer {
    AugmentKind kind = AugmentKind::RandomTranslation;
    // Keras factors as [lower, upper]; a single factor f means [−f, f].
    //   translation: fractions of the height / width (positive: down / right);
    //   rotation: fractions of a full turn in height (positive: counter-clockwise; width unused);
    //   zoom: 1 + factor scales what the output covers (positive: zoom out); without a width
    //   factor the width zooms as the height does.
    double height_lower = 0, height_upper = 0;
    double width_lower = 0, width_upper = 0;
    bool has_width = true;
    FillMode fill_mode = FillMode::Reflect;
    Interpolation interpolation = Interpolation::Bilinear;
    float fill_value = 0;  // in the model's input units (pixels / 255): 0 is black
};

struct Augmentation {
    std::vector<AugmentLayer> layers;
    bool empty() const { return layers.empty(); }
};

const char* augment_name(AugmentKind kind);

// input (x, y) = (a[0]·x + a[1]·y + a[2], a[3]·x + a[4]·y + a[5]) for output pixel (x, y).
using Affine = std::array<float, 6>;

// The map a layer uses for one image of h×w, its random values drawn from rng.
Affine draw_transform(const AugmentLayer& layer, int h, int w, Rng& rng);

// out [h, w, c] ← in [h, w, c] resampled through t (in and out must not overlap).
void affine_transform(const float* in, float* out, int h, int w, int c, const Affine& t, FillMode fill,
                      float fill_value, Interpolation interpolation);

// Augments batches in place: per image, per layer, a map drawn from its own seeded stream, so
// a seed gives the same images natively and in wasm, on any number of threads.
class Augmenter {
public:
    Augmenter(Augmentation augmentation, uint64_t seed);
    // x [n, h, w, c]
    void apply(float* x, int64_t n, int h, int w, int c);
    bool empty() const { return augmentation_.empty(); }

private:
    Augmentation augmentation_;
    Rng rng_;
    std::vector<Affine> transforms_;
    std::vector<float> scratch_;
};

}  // namespace cnn
