// Dropout (inverted), Keras' rate being the fraction dropped: in training y = x · mask with mask 0
// (probability rate) or 1 / (1 - rate); at inference y = x.
#include <cstring>

#include "core/kernels/dropout.h"
#include "core/limits.h"
#include "core/parallel.h"
#include "core/refuse.h"
#include "registry.h"

namespace cnn {
namespace {

// Elements per slice of the pool: the mask and the product are cheap per element.
constexpr int64_t kGrain = 4096;

// y [n] = x ⊙ mask, the mask drawn from the stream `key` (dropout.h), the same at any thread count.
void dropout_forward(float* y, float* mask, const float* x, int64_t n, double rate, uint64_t key) {
    parallel_for(n, kGrain, [&](int64_t b, int64_t e, int) {
        dropout_mask(mask, b, e, rate, key);
        for (int64_t i = b; i < e; ++i) y[i] = x[i] * mask[i];
    });
}

// dx [n] = dy ⊙ mask
void dropout_backward(float* dx, const float* dy, const float* mask, int64_t n) {
    parallel_for(n, kGrain, [&](int64_t b, int64_t e, int) {
        for (int64_t i = b; i < e; ++i) dx[i] = dy[i] * mask[i];
    });
}

class Dropout final : public Layer {
public:
    const char* class_name() const override { return "Dropout"; }

    void fields(ConfigFields& f) override { f.number("rate", rate_, ConfigFields::Required); }

    Shape connect(const Shape& in) override {
        if (!(rate_ >= 0 && rate_ < kMaxDropoutRate))
            refuse("rate is the fraction dropped and must be in [0, 1) (got " + format_number(rate_) + ")", "rate");
        return in;
    }

    void reserve(int64_t batch) override { mask_.resize(batch * out.size()); }
    void forward(const Pass& p, const float* x, float* y) override {
        const int64_t n = p.batch * out.size();
        masked_ = p.training && rate_ > 0;
        if (masked_) dropout_forward(y, mask_.data(), x, n, rate_, p.rng->next_u64());
        else std::memcpy(y, x, sizeof(float) * n);
    }
    void backward(const Pass& p, const float*, const float*, float* dy, float* dx) override {
        if (!dx) return;
        const int64_t n = p.batch * out.size();
        if (masked_) dropout_backward(dx, dy, mask_.data(), n);
        else std::memcpy(dx, dy, sizeof(float) * n);
    }

private:
    double rate_ = 0;
    bool masked_ = false;  // whether the last forward dropped units (training)
    std::vector<float> mask_;
};

}  // namespace

LayerPtr make_dropout() { return std::make_unique<Dropout>(); }

}  // namespace cnn
