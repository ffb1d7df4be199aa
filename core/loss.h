// The loss: softmax + sparse categorical cross-entropy, differentiated together. A model ending
// with a softmax hands its logits here (Model::logits) and takes dlogits back (Model::backward).
#pragma once
#include <cstdint>

namespace cnn {

// On logits [B, C], computed with log-sum-exp: writes probs [B, C] and dlogits [B, C] =
// (probs - onehot) / B (when not null); returns the summed loss (not the mean) and counts correct
// argmax predictions into *correct (when not null).
double softmax_cross_entropy(float* probs, float* dlogits, const float* logits, const uint8_t* labels, int64_t batch,
                             int64_t classes, int64_t* correct);

}  // namespace cnn
