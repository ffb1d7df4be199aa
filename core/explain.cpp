#include "explain.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "refuse.h"

namespace cnn {
namespace {

int classes_of(const Model& model) { return static_cast<int>(model.output_shape().size()); }

// The class to explain: `target`, or the most probable one when target < 0.
int checked_target(const Model& model, const float* probabilities, int target) {
    const int classes = classes_of(model);
    if (target < 0) return static_cast<int>(std::max_element(probabilities, probabilities + classes) - probabilities);
    if (target >= classes)
        refuse("class " + std::to_string(target) + " does not exist: the model '" + model.name() + "' gives " +
               std::to_string(classes) + " class scores (0 to " + std::to_string(classes - 1) + ")");
    return target;
}

// out [oh, ow] = in [ih, iw] resized bilinearly, sampling at half-pixel centres (tf.image.resize's
// default), edges clamped.
void resize_bilinear(float* out, int oh, int ow, const float* in, int ih, int iw) {
    auto source = [](int o, int out_size, int in_size, int& i0, int& i1, float& t) {
        const float s = std::clamp((o + 0.5f) * float(in_size) / float(out_size) - 0.5f, 0.0f, float(in_size - 1));
        i0 = static_cast<int>(s), i1 = std::min(i0 + 1, in_size - 1), t = s - float(i0);
    };
    for (int y = 0; y < oh; ++y) {
        int y0, y1;
        float ty;
        source(y, oh, ih, y0, y1, ty);
        for (int x = 0; x < ow; ++x) {
            int x0, x1;
            float tx;
            source(x, ow, iw, x0, x1, tx);
            const float top = in[y0 * iw + x0] * (1 - tx) + in[y0 * iw + x1] * tx;
            const float bottom = in[y1 * iw + x0] * (1 - tx) + in[y1 * iw + x1] * tx;
            out[y * ow + x] = top * (1 - ty) + bottom * ty;
        }
    }
}

}  // namespace

int last_conv_layer(const Model& model) {
    const auto& layers = model.layers();
    for (size_t i = layers.size(); i-- > 0;)
        if (std::string(layers[i]->class_name()).find("Conv") != std::string::npos && layers[i]->out.rank == 3)
            return static_cast<int>(i);
    return -1;
}

Explanation explain(Model& model, const float* image, int target) {
    const Shape& in = model.input_shape();
    const int classes = classes_of(model);
    const float* out = model.forward(image, 1, false);
    Explanation e;
    e.probabilities.assign(out, out + classes);
    e.target = checked_target(model, out, target);

    const int conv = last_conv_layer(model);
    std::vector<float> dscore(classes, 0.0f), dfeatures;
    dscore[e.target] = 1.0f;  // ∂z_target/∂z: the backward starts at one logit
    e.gradient.resize(in.size());
    Model::Taps taps;
    taps.input_grad = e.gradient.data();
    if (conv >= 0) {
        dfeatures.resize(model.layers()[conv]->out.size());
        taps.layer = static_cast<size_t>(conv), taps.layer_grad = dfeatures.data();
    }
    model.backward(dscore.data(), 1, taps);

    e.saliency.assign(int64_t(in.h) * in.w, 0.0f);
    for (int64_t p = 0; p < int64_t(in.h) * in.w; ++p)
        for (int ch = 0; ch < in.c; ++ch) e.saliency[p] = std::max(e.saliency[p], std::fabs(e.gradient[p * in.c + ch]));

    if (conv < 0) {
        e.gradcam_problem = "Grad-CAM needs a convolution layer, and the model '" + model.name() +
                            "' has none: its maps are computed on a convolution's feature maps";
        return e;
    }
    const Layer& layer = *model.layers()[conv];
    const Shape& a_shape = layer.out;
    // The last layer's buffer after a forward holds its logits when the model folds its softmax.
    const bool last = static_cast<size_t>(conv) + 1 == model.layers().size();
    const float* a = last ? model.logits() : model.layer_output(conv);
    const int64_t pixels = int64_t(a_shape.h) * a_shape.w, channels = a_shape.c;
    std::vector<float> alpha(channels, 0.0f);
    for (int64_t p = 0; p < pixels; ++p)
        for (int64_t k = 0; k < channels; ++k) alpha[k] += dfeatures[p * channels + k];
    for (float& w : alpha) w /= float(pixels);
    e.gradcam_layer = layer.name;
    e.cam_h = a_shape.h, e.cam_w = a_shape.w;
    e.cam.assign(pixels, 0.0f);
    for (int64_t p = 0; p < pixels; ++p) {
        float sum = 0;
        for (int64_t k = 0; k < channels; ++k) sum += alpha[k] * a[p * channels + k];
        e.cam[p] = std::max(sum, 0.0f);
    }
    e.gradcam.resize(int64_t(in.h) * in.w);
    resize_bilinear(e.gradcam.data(), in.h, in.w, e.cam.data(), e.cam_h, e.cam_w);
    return e;
}

Occlusion occlusion(Model& model, const float* image, int target, int patch, float grey) {
    const Shape& in = model.input_shape();
    const int classes = classes_of(model);
    if (patch < 1) refuse("the occlusion patch must be at least 1 pixel (got " + std::to_string(patch) + ")");
    Occlusion o;
    o.patch = patch;
    o.rows = (in.h + patch - 1) / patch, o.cols = (in.w + patch - 1) / patch;
    const float* out = model.forward(image, 1, false);
    o.target = checked_target(model, out, target);
    o.baseline = out[o.target];

    // All the occluded images go through in batches of at most kBatch.
    constexpr int64_t kBatch = 32;
    const int64_t count = int64_t(o.rows) * o.cols, size = in.size();
    o.probability.resize(count);
    std::vector<float> x(std::min(count, kBatch) * size);
    for (int64_t first = 0; first < count; first += kBatch) {
        const int64_t n = std::min(kBatch, count - first);
        for (int64_t b = 0; b < n; ++b) {
            float* xb = x.data() + b * size;
            std::memcpy(xb, image, sizeof(float) * size);
            const int r = static_cast<int>((first + b) / o.cols), c = static_cast<int>((first + b) % o.cols);
            for (int y = r * patch; y < std::min(in.h, (r + 1) * patch); ++y)
                for (int xx = c * patch; xx < std::min(in.w, (c + 1) * patch); ++xx)
                    std::fill_n(xb + (int64_t(y) * in.w + xx) * in.c, in.c, grey);
        }
        const float* probs = model.forward(x.data(), n, false);
        for (int64_t b = 0; b < n; ++b) o.probability[first + b] = probs[b * classes + o.target];
    }
    return o;
}

}  // namespace cnn
