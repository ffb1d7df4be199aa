// BatchNormalization over the last axis (channels): x [B, ..., C] → y = gamma [C] · x̂ + beta [C].
// Training normalises with the batch's statistics, x̂ = (x − mean) / √(var + ε) over every
// position of the batch, and moves the stored statistics towards them as Keras does:
// moving = moving · momentum + batch · (1 − momentum), with the biased batch variance (Keras 3 and
// TF.js). Inference normalises with the stored statistics.
#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "core/parallel.h"
#include "core/refuse.h"
#include "registry.h"

namespace cnn {
namespace {

// Every pass here works on chunks of kChunkRows rows (one chunk per task of the thread pool): the
// per-channel sums of a chunk in float, vectorised over the channels, then the chunks' sums in
// double, in chunk order: as accurate as a double sum for these sizes, and the same bits at any
// thread count, since the chunks depend on the shape alone.
constexpr int64_t kChunkRows = 64;

int64_t chunk_count(int64_t rows) { return (rows + kChunkRows - 1) / kChunkRows; }

// chunk(r0, r1, sums) adds a chunk's rows [r0, r1) into its own zeroed sums [per_chunk] over
// the thread pool. Returns the chunks' sums [chunks, per_chunk], valid until the next call on
// this thread.
template <class Chunk>
const float* chunk_sums(int64_t rows, int64_t per_chunk, Chunk chunk) {
    thread_local std::vector<float> partial;  // the caller's: pool threads only write their chunks
    partial.assign(chunk_count(rows) * per_chunk, 0.0f);
    float* sums = partial.data();
    parallel_for(chunk_count(rows), 1, [&](int64_t k0, int64_t k1, int) {
        for (int64_t k = k0; k < k1; ++k)
            chunk(k * kChunkRows, std::min(rows, (k + 1) * kChunkRows), sums + k * per_chunk);
    });
    return sums;
}

using fbatch = xsimd::batch<float>;
constexpr int64_t kLanes = fbatch::size;

// Channels c.. of a row at p, as one float or a batch of lanes.
template <class V>
V channels(const float* p) {
    if constexpr (std::is_same_v<V, float>) return *p;
    else return fbatch::load_unaligned(p);
}
inline void store(float* p, float v) { *p = v; }
inline void store(float* p, fbatch v) { v.store_unaligned(p); }

// sums [n, C] = Σ over rows [r0, r1) of the n terms that add(acc, i, c) adds into acc [n] for the
// channels from c (i = r · C + c), a batch of lanes at a time (then one channel at a time) with the
// sums kept in registers; each channel's sum runs in row order either way.
template <int n, class Add>
void row_sums(float* sums, int64_t r0, int64_t r1, int64_t C, Add add) {
    const auto block = [&](auto zero, int64_t c) {
        std::array<decltype(zero), n> acc;
        acc.fill(zero);
        for (int64_t r = r0; r < r1; ++r) add(acc, r * C + c, c);
        for (int j = 0; j < n; ++j) store(sums + j * C + c, acc[j]);
    };
    int64_t c = 0;
    for (; c + kLanes <= C; c += kLanes) block(fbatch(0.0f), c);
    for (; c < C; ++c) block(0.0f, c);
}

// Rows [0, rows) of each of x [rows, C], y [rows, C]: y[r] = f(x[r]) over the thread pool.
template <class Row>
void for_rows(int64_t rows, Row row) {
    parallel_for(rows, kChunkRows, [&](int64_t r0, int64_t r1, int) {
        for (int64_t r = r0; r < r1; ++r) row(r);
    });
}

// x [rows, C] → per-channel mean [C] and biased variance [C] with one read of x from memory: each
// chunk's mean m, then on a second sweep that finds the chunk in cache its deviations from m,
// Σ (x − m) (what rounding left in m) and Σ (x − m)² (deviations from a nearby mean keep the
// variance exact when the mean is large). The chunks then combine exactly in double:
//   Σ x = Σ_k [n_k · m_k + Σ_k (x − m_k)],
//   Σ (x − mean)² = Σ_k [Σ_k (x − m_k)² + 2 (m_k − mean) · Σ_k (x − m_k) + n_k · (m_k − mean)²].
void channel_moments(double* mean, double* variance, const float* x, int64_t rows, int64_t C) {
    const float* chunks = chunk_sums(rows, 3 * C, [&](int64_t r0, int64_t r1, float* sums) {
        float* chunk_mean = sums;
        row_sums<1>(chunk_mean, r0, r1, C, [&](auto& acc, int64_t i, int64_t) {
            acc[0] += channels<std::decay_t<decltype(acc[0])>>(x + i);
        });
        const float inv_n = 1.0f / float(r1 - r0);
        for (int64_t c = 0; c < C; ++c) chunk_mean[c] *= inv_n;
        row_sums<2>(sums + C, r0, r1, C, [&](auto& acc, int64_t i, int64_t c) {  // deviations, squares
            using V = std::decay_t<decltype(acc[0])>;
            const V d = channels<V>(x + i) - channels<V>(chunk_mean + c);
            acc[0] += d;
            acc[1] += d * d;
        });
    });
    const auto chunk_rows = [&](int64_t k) { return double(std::min(rows, (k + 1) * kChunkRows) - k * kChunkRows); };
    std::fill(mean, mean + C, 0.0);
    std::fill(variance, variance + C, 0.0);
    for (int64_t k = 0; k < chunk_count(rows); ++k)
        for (int64_t c = 0; c < C; ++c) mean[c] += chunk_rows(k) * chunks[k * 3 * C + c] + chunks[k * 3 * C + C + c];
    for (int64_t c = 0; c < C; ++c) mean[c] /= double(rows);
    for (int64_t k = 0; k < chunk_count(rows); ++k)
        for (int64_t c = 0; c < C; ++c) {
            const float* chunk = chunks + k * 3 * C;
            const double offset = chunk[c] - mean[c];  // m_k − mean
            variance[c] += chunk[2 * C + c] + 2.0 * offset * chunk[C + c] + chunk_rows(k) * offset * offset;
        }
    for (int64_t c = 0; c < C; ++c) variance[c] /= double(rows);
}

// y [rows, C] = gamma · (x − mean) · inv_std + beta = x · scale + shift, per channel; gamma, beta
// may be null (1 and 0).
void batchnorm_forward(float* y, const float* x, const float* mean, const float* inv_std, const float* gamma,
                       const float* beta, int64_t rows, int64_t C) {
    std::vector<float> scale(C), shift(C);
    for (int64_t c = 0; c < C; ++c) {
        scale[c] = (gamma ? gamma[c] : 1.0f) * inv_std[c];
        shift[c] = (beta ? beta[c] : 0.0f) - mean[c] * scale[c];
    }
    for_rows(rows, [&](int64_t r) {
        for (int64_t c = 0; c < C; ++c) y[r * C + c] = x[r * C + c] * scale[c] + shift[c];
    });
}

// The mirror of batchnorm_forward, dy [rows, C] → dx [rows, C] (may be null), dgamma, dbeta += (may
// be null). With batch statistics (training) the mean and variance depend on x:
//   dx = gamma · inv_std · (dy − mean(dy) − x̂ · mean(dy · x̂));
// with the stored ones (inference) dx = gamma · inv_std · dy.
void batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x, const float* mean,
                        const float* inv_std, const float* gamma, int64_t rows, int64_t C, bool batch_statistics) {
    // Σ dy and Σ dy · x̂ per channel, with one read of dy and x.
    const float* chunks = chunk_sums(rows, 2 * C, [&](int64_t r0, int64_t r1, float* sums) {
        row_sums<2>(sums, r0, r1, C, [&](auto& acc, int64_t i, int64_t c) {  // Σ dy, Σ dy · x̂
            using V = std::decay_t<decltype(acc[0])>;
            const V g = channels<V>(dy + i);
            acc[0] += g;
            acc[1] += g * ((channels<V>(x + i) - channels<V>(mean + c)) * channels<V>(inv_std + c));
        });
    });
    std::vector<double> sum_dy(C, 0.0), sum_dy_xhat(C, 0.0);
    for (int64_t k = 0; k < chunk_count(rows); ++k)
        for (int64_t c = 0; c < C; ++c) {
            sum_dy[c] += chunks[k * 2 * C + c];
            sum_dy_xhat[c] += chunks[k * 2 * C + C + c];
        }
    for (int64_t c = 0; c < C; ++c) {
        if (dgamma) dgamma[c] += float(sum_dy_xhat[c]);
        if (dbeta) dbeta[c] += float(sum_dy[c]);
    }
    if (!dx) return;
    // dx = scale · dy − scale · (mean(dy) + x̂ · mean(dy · x̂)) = scale · dy + a · x + b per channel.
    std::vector<float> scale(C), a(C), b(C);
    for (int64_t c = 0; c < C; ++c) {
        scale[c] = (gamma ? gamma[c] : 1.0f) * inv_std[c];
        const double mean_dy = batch_statistics ? sum_dy[c] / double(rows) : 0.0;
        const double mean_dy_xhat = batch_statistics ? sum_dy_xhat[c] / double(rows) : 0.0;
        a[c] = float(-scale[c] * mean_dy_xhat * inv_std[c]);
        b[c] = float(-scale[c] * (mean_dy - mean_dy_xhat * inv_std[c] * mean[c]));
    }
    for_rows(rows, [&](int64_t r) {
        for (int64_t c = 0; c < C; ++c) dx[r * C + c] = scale[c] * dy[r * C + c] + a[c] * x[r * C + c] + b[c];
    });
}

class BatchNormalization final : public Layer {
public:
    const char* class_name() const override { return "BatchNormalization"; }

    void fields(ConfigFields& f) override {
        f.integer("axis", axis_, -1, 3);
        f.number("momentum", momentum_);
        f.number("epsilon", epsilon_);
        f.boolean("center", center_);
        f.boolean("scale", scale_);
        f.initializer("beta_initializer", beta_initializer_);
        f.initializer("gamma_initializer", gamma_initializer_);
        f.initializer("moving_mean_initializer", moving_mean_initializer_);
        f.initializer("moving_variance_initializer", moving_variance_initializer_);
        f.regularizer("beta_regularizer", beta_regularizer_);
        f.regularizer("gamma_regularizer", gamma_regularizer_);
    }

    Shape connect(const Shape& in) override {
        const int last = in.rank == 1 ? 1 : 3;
        if (axis_ != -1 && axis_ != last)
            refuse("only the channels axis (-1, here " + std::to_string(last) + ") can be normalised, not " +
                       std::to_string(axis_),
                   "axis");
        if (!(momentum_ >= 0 && momentum_ <= 1))
            refuse("momentum must be in [0, 1] (got " + format_number(momentum_) + ")", "momentum");
        if (!(epsilon_ > 0)) refuse("epsilon must be above 0 (got " + format_number(epsilon_) + ")", "epsilon");
        return in;
    }
    // In TF.js' (and Keras') order: gamma, beta, moving_mean, moving_variance.
    std::vector<WeightSpec> weights() const override {
        std::vector<WeightSpec> w;
        const int64_t C = in.c;
        if (scale_) w.push_back({"gamma", {C}, gamma_initializer_, true, gamma_regularizer_});
        if (center_) w.push_back({"beta", {C}, beta_initializer_, true, beta_regularizer_});
        w.push_back({"moving_mean", {C}, moving_mean_initializer_, false, {}});
        w.push_back({"moving_variance", {C}, moving_variance_initializer_, false, {}});
        return w;
    }

    void reserve(int64_t) override { mean_.resize(in.c), inv_std_.resize(in.c); }
    void forward(const Pass& p, const float* x, float* y) override {
        const int64_t C = in.c, rows = p.batch * in.size() / C;
        float* moving_mean = state(p, moving_index());
        float* moving_variance = state(p, moving_index() + 1);
        batch_statistics_ = p.training;
        if (p.training) {
            std::vector<double> mean(C), variance(C);
            channel_moments(mean.data(), variance.data(), x, rows, C);
            const float decay = float(1.0 - momentum_);
            for (int64_t c = 0; c < C; ++c) {
                mean_[c] = float(mean[c]);
                inv_std_[c] = float(1.0 / std::sqrt(variance[c] + epsilon_));
                moving_mean[c] -= (moving_mean[c] - float(mean[c])) * decay;
                moving_variance[c] -= (moving_variance[c] - float(variance[c])) * decay;
            }
        } else {
            for (int64_t c = 0; c < C; ++c) {
                mean_[c] = moving_mean[c];
                inv_std_[c] = float(1.0 / std::sqrt(double(moving_variance[c]) + epsilon_));
            }
        }
        batchnorm_forward(y, x, mean_.data(), inv_std_.data(), scale_ ? weight(p, 0) : nullptr,
                          center_ ? weight(p, scale_ ? 1 : 0) : nullptr, rows, C);
    }
    void backward(const Pass& p, const float* x, const float*, float* dy, float* dx) override {
        const int64_t C = in.c, rows = p.batch * in.size() / C;
        batchnorm_backward(dx, scale_ ? weight_grad(p, 0) : nullptr, center_ ? weight_grad(p, scale_ ? 1 : 0) : nullptr,
                           dy, x, mean_.data(), inv_std_.data(), scale_ ? weight(p, 0) : nullptr, rows, C,
                           batch_statistics_);
    }

private:
    size_t moving_index() const { return size_t(scale_) + size_t(center_); }

    int axis_ = -1;
    double momentum_ = 0.99, epsilon_ = 1e-3;
    bool center_ = true, scale_ = true;
    Initializer beta_initializer_ = Initializer::zeros(), gamma_initializer_ = Initializer::ones();
    Initializer moving_mean_initializer_ = Initializer::zeros(), moving_variance_initializer_ = Initializer::ones();
    Regularizer beta_regularizer_, gamma_regularizer_;
    // The statistics the last forward normalised with, for its backward.
    bool batch_statistics_ = false;
    std::vector<float> mean_, inv_std_;
};

}  // namespace

LayerPtr make_batch_normalization() { return std::make_unique<BatchNormalization>(); }

}  // namespace cnn
