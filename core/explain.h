// Why a model gives an image the scores it does: a saliency map, Grad-CAM and occlusion, for any
// class. The first two come from one backward pass started at that class's score, through the
// layers' own backward (Model::backward with taps), with no weight update.
//
// The score is the class's logit z_c (the input of the final softmax), not its probability, as in
// the papers that define both maps (Simonyan et al. 2013, "Deep Inside Convolutional Networks";
// Selvaraju et al. 2017, "Grad-CAM"): a probability also rises when the other classes' scores
// fall, so its gradient mixes in evidence against every other class, and it vanishes where the
// softmax saturates (a confident 99.9 %), which is exactly where one wants to look.
#pragma once
#include <string>
#include <vector>

#include "model.h"

namespace cnn {

struct Explanation {
    int target = 0;                   // the class explained
    std::vector<float> probabilities;  // the model's output for the image [classes]

    // ∂z_target/∂x [h, w, c], and the saliency map [h, w]: max over channels of its magnitude.
    std::vector<float> gradient, saliency;

    // Grad-CAM on the last convolution layer (named), whose output A [gh, gw, K] keeps the image's
    // layout: weights α_k = mean over (i, j) of ∂z_target/∂A_ijk, cam = ReLU(Σ_k α_k A_k) [gh, gw],
    // and gradcam, cam resized to the input's h × w (bilinear, half-pixel centres as
    // tf.image.resize). When the model has no such layer, gradcam_layer is empty, cam and gradcam
    // are too, and gradcam_problem says why.
    std::string gradcam_layer, gradcam_problem;
    int cam_h = 0, cam_w = 0;
    std::vector<float> cam, gradcam;
};

// The index of the last convolution layer (a kind whose Keras name holds "Conv" and whose output
// is a feature map [h, w, c]); -1 when there is none.
int last_conv_layer(const Model& model);

// Explains class `target` for one image [h, w, c] of the model's input size; target < 0 explains
// the predicted class. Refuses a class outside the model's outputs. Leaves the weights as they
// are (the gradient block holds the pass's weight gradients afterwards; training zeroes it first).
Explanation explain(Model& model, const float* image, int target = -1);

// Occlusion: the probability of `target` when each patch × patch square of the image (a grid of
// rows × cols, the last row and column cut short when the size does not divide) is set to grey.
struct Occlusion {
    int target = 0, patch = 0, rows = 0, cols = 0;
    float baseline = 0;               // the probability with nothing occluded
    std::vector<float> probability;  // [rows, cols]
};
constexpr int kOcclusionPatch = 4;
constexpr float kOcclusionGrey = 0.5f;  // half-way between MNIST's black background and white ink
Occlusion occlusion(Model& model, const float* image, int target = -1, int patch = kOcclusionPatch,
                    float grey = kOcclusionGrey);

}  // namespace cnn
