#include "loss.h"

#include <algorithm>
#include <cmath>

namespace cnn {

double softmax_cross_entropy(float* probs, float* dlogits, const float* logits, const uint8_t* labels, int64_t batch,
                             int64_t classes, int64_t* correct) {
    double loss = 0.0;
    const float inv_batch = 1.0f / static_cast<float>(batch);
    for (int64_t b = 0; b < batch; ++b) {
        const float* z = logits + b * classes;
        float* p = probs + b * classes;
        const int64_t argmax = std::max_element(z, z + classes) - z;
        const float m = z[argmax];
        double sum = 0.0;
        for (int64_t k = 0; k < classes; ++k) sum += (p[k] = std::exp(z[k] - m));
        const float inv = static_cast<float>(1.0 / sum);
        for (int64_t k = 0; k < classes; ++k) p[k] *= inv;
        const int y = labels[b];
        loss += std::log(sum) - double(z[y] - m);  // -log softmax(z)_y, without underflow
        if (correct && argmax == y) ++*correct;
        if (dlogits)
            for (int64_t k = 0; k < classes; ++k)
                dlogits[b * classes + k] = (p[k] - (k == y ? 1.0f : 0.0f)) * inv_batch;
    }
    return loss;
}

}  // namespace cnn
