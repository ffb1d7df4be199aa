// Conv2D: x [B, H, W, C] → y [B, OH, OW, F] = act(conv(x, kernel [KH, KW, C, F]) + bias [F]),
// as im2col + GEMM.
#include <algorithm>

#include "core/kernels/gemm.h"
#include "core/kernels/im2col.h"
#include "core/limits.h"
#include "core/parallel.h"
#include "core/refuse.h"
#include "registry.h"
#include "window.h"

namespace cnn {
namespace {

// The batch goes through in chunks of whole images so the im2col scratch stays within
// kChunkRows rows and kChunkFloats floats (4 MiB: cache- and memory-friendly); the chunking is
// fixed by the shapes, never by the thread count.
constexpr int64_t kChunkRows = 4096;
constexpr int64_t kChunkFloats = int64_t{1} << 20;

int64_t chunk_images(const ConvGeometry& g) {
    const int64_t pixels = std::max<int64_t>(1, g.out_pixels());
    return std::max<int64_t>(1, std::min(kChunkRows / pixels, kChunkFloats / (pixels * g.patch_size())));
}

// col: scratch of min(batch, chunk_images(g)) · out_pixels · patch_size floats.
void conv2d_forward(float* y, const float* x, const float* kernel, const float* bias, int64_t batch,
                    const ConvGeometry& g, int filters, Activation act, float* col) {
    const int64_t in_size = g.in_pixels() * g.channels, pixels = g.out_pixels(), K = g.patch_size();
    const int64_t chunk = chunk_images(g);
    for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
        const int64_t n = std::min(chunk, batch - b0), rows = n * pixels;
        float* yc = y + b0 * pixels * filters;
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) im2col_nhwc(x + (b0 + i) * in_size, g, col + i * pixels * K);
        });
        gemm_parallel(rows, filters, K, row_major(col, K), row_major(kernel, filters), yc, filters, false);
        parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
            bias_activation_forward(yc + r0 * filters, yc + r0 * filters, bias, r1 - r0, filters, act);
        });
    }
}

// dz [B, OH, OW, F] is the gradient before the activation. dx may be null (first layer).
// col, dcol: scratch of the forward's size each.
void conv2d_backward(float* dx, float* dkernel, float* dbias, const float* dz, const float* x, const float* kernel,
                     int64_t batch, const ConvGeometry& g, int filters, float* col, float* dcol) {
    const int64_t in_size = g.in_pixels() * g.channels, pixels = g.out_pixels(), K = g.patch_size();
    const int64_t chunk = chunk_images(g);
    for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
        const int64_t n = std::min(chunk, batch - b0), rows = n * pixels;
        const float* dzc = dz + b0 * pixels * filters;
        // The forward's im2col is recomputed rather than kept: it is cheap next to the GEMMs
        // and keeping it would cost tens of MB per layer.
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) im2col_nhwc(x + (b0 + i) * in_size, g, col + i * pixels * K);
        });
        // dkernel [K, F] += colᵀ [K, rows] · dz [rows, F]
        gemm_parallel(K, filters, rows, row_major(col, K).transposed(), row_major(dzc, filters), dkernel, filters,
                      true);
        if (dbias) bias_backward_accumulate(dbias, dzc, rows, filters);
        if (!dx) continue;
        // dcol [rows, K] = dz [rows, F] · kernelᵀ [F, K]
        gemm_parallel(rows, K, filters, row_major(dzc, filters), row_major(kernel, filters).transposed(), dcol, K,
                      false);
        parallel_for(n, 1, [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) {
                float* dxi = dx + (b0 + i) * in_size;
                std::fill(dxi, dxi + in_size, 0.0f);
                col2im_nhwc_accumulate(dcol + i * pixels * K, g, dxi);
            }
        });
    }
}

class Conv2D final : public Layer {
public:
    const char* class_name() const override { return "Conv2D"; }

    void fields(ConfigFields& f) override {
        f.integer("filters", filters_, 1, kMaxChannels, ConfigFields::Required);
        f.pair("kernel_size", kernel_h_, kernel_w_, 1, kMaxWindow, ConfigFields::Required);
        f.pair("strides", stride_h_, stride_w_, 1, kMaxWindow);
        f.padding("padding", padding_);
        f.data_format("data_format");
        f.pair("dilation_rate", dilation_h_, dilation_w_, 1, kMaxWindow);
        f.activation("activation", activation_.act);
        f.boolean("use_bias", use_bias_);
        f.initializer("kernel_initializer", kernel_initializer_);
        f.initializer("bias_initializer", bias_initializer_);
    }
    OutputActivation* output_activation() override { return &activation_; }
    const char* width_field() const override { return "filters"; }

    Shape connect(const Shape& in) override {
        if (dilation_h_ != 1 || dilation_w_ != 1)
            refuse("dilation_rate other than 1 is not supported", "dilation_rate");
        g_ = window_geometry(in, kernel_h_, kernel_w_, stride_h_, stride_w_, padding_, "kernel_size");
        return {g_.out_h, g_.out_w, filters_, 3};
    }
    std::vector<WeightSpec> weights() const override {
        std::vector<WeightSpec> w = {{"kernel", {kernel_h_, kernel_w_, in.c, filters_}, kernel_initializer_}};
        if (use_bias_) w.push_back({"bias", {filters_}, bias_initializer_});
        return w;
    }

    int64_t scratch_floats(int64_t batch) const override {
        return std::min(batch, chunk_images(g_)) * g_.out_pixels() * g_.patch_size();
    }
    void forward(const Pass& p, const float* x, float* y) override {
        conv2d_forward(y, x, weight(p, kKernel), use_bias_ ? weight(p, kBias) : nullptr, p.batch, g_, filters_,
                       activation_.applied(), p.col);
    }
    void backward(const Pass& p, const float* x, const float* y, float* dy, float* dx) override {
        activation_.backward(dy, dy, y, p.batch * g_.out_pixels(), filters_);  // dz = act'(y) ⊙ dy, the forward in reverse
        conv2d_backward(dx, weight_grad(p, kKernel), use_bias_ ? weight_grad(p, kBias) : nullptr, dy, x,
                        weight(p, kKernel), p.batch, g_, filters_, p.col, p.dcol);
    }

private:
    enum { kKernel, kBias };
    int filters_ = 0;
    int kernel_h_ = 0, kernel_w_ = 0;
    int stride_h_ = 1, stride_w_ = 1;
    int dilation_h_ = 1, dilation_w_ = 1;
    Padding padding_ = Padding::Valid;
    OutputActivation activation_;
    bool use_bias_ = true;
    Initializer kernel_initializer_ = Initializer::GlorotUniform, bias_initializer_ = Initializer::Zeros;
    ConvGeometry g_;
};

}  // namespace

LayerPtr make_conv2d() { return std::make_unique<Conv2D>(); }

}  // namespace cnn
