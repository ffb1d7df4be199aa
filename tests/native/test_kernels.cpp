// The convolution, pooling and dense kernels and drivers against naive references
// (kernels/conv_reference.h, gemm_reference, and a scalar max pool here): the Winograd transforms against their
// matrices, Winograd and the one-channel direct kernel against direct convolution over many
// shapes (edge tiles, channel counts off the SIMD width, partial GEMM tiles), the drivers at 1
// and 2 threads, and max pooling's values and winners, ties included.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/drivers/conv2d.h"
#include "core/drivers/dense.h"
#include "core/kernels/gemm.h"
#include "core/kernels/conv_reference.h"
#include "core/kernels/dropout.h"
#include "core/kernels/gemm_ukernel.h"
#include "core/kernels/pooling.h"
#include "core/kernels/winograd.h"
#include "core/parallel.h"
#include "helpers.h"

using namespace cnn;

namespace {

using Matrix = std::vector<std::vector<double>>;

const Matrix kBt = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                    {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
const Matrix kG = {{1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                   {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
const Matrix kAt = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};

Matrix transpose(const Matrix& m) {
    Matrix t(m[0].size(), std::vector<double>(m.size()));
    for (size_t i = 0; i < m.size(); ++i)
        for (size_t j = 0; j < m[0].size(); ++j) t[j][i] = m[i][j];
    return t;
}

Matrix product(const Matrix& a, const Matrix& b) {
    Matrix c(a.size(), std::vector<double>(b[0].size(), 0.0));
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t k = 0; k < b.size(); ++k)
            for (size_t j = 0; j < b[0].size(); ++j) c[i][j] += a[i][k] * b[k][j];
    return c;
}

// L X Rᵀ
Matrix sandwich(const Matrix& l, const Matrix& x, const Matrix& r) { return product(product(l, x), transpose(r)); }

ConvGeometry geometry(int h, int w, int C, Padding p, int k = 3, int stride = 1) {
    return make_conv_geometry(h, w, C, k, k, stride, stride, p);
}

// Every float within tol · (1 + the largest magnitude of the reference).
void check_close(const std::vector<float>& got, const std::vector<float>& want, double tol, const char* what) {
    REQUIRE(got.size() == want.size());
    double scale = 1.0;
    for (float v : want) scale = std::max(scale, double(std::fabs(v)));
    for (size_t i = 0; i < got.size(); ++i)
        REQUIRE_MESSAGE(std::fabs(double(got[i]) - want[i]) <= tol * scale,
                        what << " [" << i << "]: " << got[i] << " vs " << want[i]);
}

}  // namespace

TEST_CASE("Winograd transforms equal their matrices, on every channel of a vector and of the remainder") {
    Rng rng(3);
    const int64_t C = 2 * kLanes + 3;  // whole vectors and single channels
    // One 6×6 tile of a 6×6 map (no padding): V = Bᵀ d B.
    const ConvGeometry g = geometry(6, 6, C, Padding::Valid);
    const winograd::TileGrid grid = winograd::forward_grid(g);
    REQUIRE(grid.tiles_per_image() == 1);
    auto x = test::random_vector(36 * C, rng);
    std::vector<float> V(winograd::kPoints * C);
    winograd::input_transform(x.data(), grid, C, 0, 1, V.data(), 1);
    for (int64_t c = 0; c < C; ++c) {
        Matrix d(6, std::vector<double>(6));
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) d[i][j] = x[(i * 6 + j) * C + c];
        const Matrix want = sandwich(kBt, d, kBt);
        for (int p = 0; p < 36; ++p) CHECK(V[p * C + c] == doctest::Approx(want[p / 6][p % 6]).epsilon(1e-5));
    }

    // U = G g Gᵀ, packed into panels of kNR columns; the input-gradient form flips and transposes.
    const int64_t F = kNR + 3;
    auto kernel = test::random_vector(9 * C * F, rng);
    for (bool for_input_gradient : {false, true}) {
        const int64_t in = for_input_gradient ? F : C, out = for_input_gradient ? C : F;
        std::vector<float> U(winograd::packed_kernel_size(in, out), -1.0f);
        winograd::pack_kernel(kernel.data(), C, F, for_input_gradient, U.data());
        const int64_t padded = winograd::padded_columns(out);
        for (int64_t i = 0; i < in; ++i)
            for (int64_t o = 0; o < padded; ++o) {
                Matrix k(3, std::vector<double>(3, 0.0));
                for (int u = 0; u < 3; ++u)
                    for (int v = 0; v < 3; ++v)
                        if (o < out)
                            k[u][v] = for_input_gradient ? kernel[(((2 - u) * 3 + 2 - v) * C + o) * F + i]
                                                         : kernel[((u * 3 + v) * C + i) * F + o];
                const Matrix want = sandwich(kG, k, kG);
                for (int p = 0; p < 36; ++p) {
                    const float got = U[p * in * padded + (o / kNR) * in * kNR + i * kNR + o % kNR];
                    REQUIRE(got == doctest::Approx(want[p / 6][p % 6]).epsilon(1e-5));
                }
            }
    }

    // Y = Aᵀ M A, plus bias and ReLU, clipped to a 3×2 map; dM = A dY Aᵀ; dg = Gᵀ dU G.
    const ConvGeometry small = geometry(3, 2, C, Padding::Same);
    const winograd::TileGrid small_grid = winograd::forward_grid(small);
    std::vector<float> M(36 * winograd::padded_columns(F));
    for (auto& m : M) m = rng.uniform(-1.0f, 1.0f);
    auto bias = test::random_vector(F, rng);
    std::vector<float> y(3 * 2 * F);
    winograd::output_transform(M.data(), 1, small_grid, F, 0, 1, bias.data(), Activation::Relu, y.data());
    const int64_t padded = winograd::padded_columns(F);
    for (int64_t f = 0; f < F; ++f) {
        Matrix m(6, std::vector<double>(6));
        for (int p = 0; p < 36; ++p) m[p / 6][p % 6] = M[p * padded + f];
        const Matrix want = sandwich(kAt, m, kAt);
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 2; ++j)
                CHECK(y[(i * 2 + j) * F + f] == doctest::Approx(std::max(0.0, want[i][j] + bias[f])).epsilon(1e-5));
    }
    auto dy = test::random_vector(3 * 2 * F, rng);
    std::vector<float> dM(36 * padded, -1.0f);
    winograd::output_gradient_transform(dy.data(), small_grid, F, 0, 1, dM.data(), 1);
    std::vector<float> dkernel(9 * C * F, 0.5f);
    std::vector<float> dU(36 * C * padded);
    for (auto& v : dU) v = rng.uniform(-1.0f, 1.0f);
    winograd::kernel_gradient_transform(dU.data(), C, F, 0, C, dkernel.data());
    for (int64_t f = F; f < padded; ++f)
        for (int p = 0; p < 36; ++p) CHECK(dM[p * padded + f] == 0.0f);
    for (int64_t f = 0; f < F; ++f) {
        Matrix d(4, std::vector<double>(4, 0.0));  // pixels outside the 3×2 map read as 0
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 2; ++j) d[i][j] = dy[(i * 2 + j) * F + f];
        const Matrix want = sandwich(transpose(kAt), d, transpose(kAt));
        for (int p = 0; p < 36; ++p) CHECK(dM[p * padded + f] == doctest::Approx(want[p / 6][p % 6]).epsilon(1e-5));
        for (int64_t c = 0; c < C; c += C - 1) {  // the first and last channels
            Matrix u(6, std::vector<double>(6));
            for (int p = 0; p < 36; ++p) u[p / 6][p % 6] = dU[(p * C + c) * padded + f];
            const Matrix grad = sandwich(transpose(kG), u, transpose(kG));
            for (int uv = 0; uv < 9; ++uv)
                CHECK(dkernel[(uv * C + c) * F + f] == doctest::Approx(0.5 + grad[uv / 3][uv % 3]).epsilon(1e-5));
        }
    }
}

// Winograd F(4×4, 3×3) against direct convolution. Its transforms scale values by up to ~100
// (Bᵀ has entries of 4 and 5, applied twice), so float32 rounding reaches about 1e-5 of the
// largest output; direct convolution in float32 would stay near 1e-6.
TEST_CASE("Winograd convolution matches direct convolution: forward, input and kernel gradients") {
    struct Case {
        int h, w, C, F;
        Padding p;
        int64_t batch = 3;
    };
    for (Case c : {Case{28, 28, 32, 32, Padding::Same}, Case{14, 14, 32, 64, Padding::Same},
                   Case{7, 5, 3, kNR + 1, Padding::Same}, Case{9, 6, kLanes + 1, 5, Padding::Valid},
                   Case{4, 4, 2, 1, Padding::Valid}, Case{3, 3, 5, 2, Padding::Same}, Case{1, 2, 2, 3, Padding::Same},
                   Case{13, 3, 17, kNR - 1, Padding::Valid},
                   Case{6, 6, 128, 128, Padding::Same, 30}}) {  // one group of tiles: a partial fills the budget
        CAPTURE(c.h);
        CAPTURE(c.w);
        CAPTURE(c.C);
        CAPTURE(c.F);
        const ConvGeometry g = geometry(c.h, c.w, c.C, c.p);
        REQUIRE(conv2d_algorithm(g, c.F) == ConvAlgorithm::Winograd);
        const int64_t batch = c.batch, in_size = g.in_pixels() * c.C, out_size = g.out_pixels() * c.F;
        Rng rng(c.h * 100 + c.C);
        auto x = test::random_vector(batch * in_size, rng), dz = test::random_vector(batch * out_size, rng);
        auto kernel = test::random_vector(9 * c.C * c.F, rng), bias = test::random_vector(c.F, rng);

        std::vector<float> y(batch * out_size), want_y(batch * out_size);
        conv2d_winograd_forward(y.data(), x.data(), kernel.data(), bias.data(), batch, g, c.F, Activation::Linear);
        for (int64_t b = 0; b < batch; ++b)
            conv2d_reference_forward(x.data() + b * in_size, kernel.data(), bias.data(), g, c.F, want_y.data() + b * out_size);
        check_close(y, want_y, 2e-5, "y");

        std::vector<float> dx(batch * in_size), want_dx(batch * in_size);
        std::vector<float> dkernel(9 * c.C * c.F, 0.25f), want_dkernel(9 * c.C * c.F, 0.25f);
        std::vector<float> dbias(c.F, 1.0f), want_dbias(c.F, 1.0f);
        conv2d_winograd_backward(dx.data(), dkernel.data(), dbias.data(), dz.data(), x.data(), kernel.data(), batch, g, c.F);
        for (int64_t b = 0; b < batch; ++b) {
            conv2d_reference_backward_input(dz.data() + b * out_size, kernel.data(), g, c.F, want_dx.data() + b * in_size);
            conv2d_reference_backward_kernel(dz.data() + b * out_size, x.data() + b * in_size, g, c.F, want_dkernel.data());
        }
        for (int f = 0; f < c.F; ++f) {
            double sum = want_dbias[f];  // in double: the drivers sum in groups of rows, not row by row
            for (int64_t r = 0; r < batch * g.out_pixels(); ++r) sum += dz[r * c.F + f];
            want_dbias[f] = float(sum);
        }
        check_close(dx, want_dx, 2e-5, "dx");
        check_close(dkernel, want_dkernel, 2e-5, "dkernel");
        check_close(dbias, want_dbias, 1e-6, "dbias");
    }
}

TEST_CASE("the one-channel direct convolution matches direct convolution on any window, stride and padding") {
    const auto check = [](const ConvGeometry& g, int F) {
        REQUIRE(conv2d_algorithm(g, F) == ConvAlgorithm::OneChannel);
        const int64_t batch = 2, in_size = g.in_pixels(), out_size = g.out_pixels() * F, taps = g.patch_size() * F;
        Rng rng(g.in_h * 1000 + g.kernel_h * 10 + g.stride_h + F);
        auto x = test::random_vector(batch * in_size, rng), dz = test::random_vector(batch * out_size, rng);
        auto kernel = test::random_vector(taps, rng), bias = test::random_vector(F, rng);

        std::vector<float> y(batch * out_size), want_y(batch * out_size);
        conv2d_1channel_forward(y.data(), x.data(), kernel.data(), bias.data(), batch, g, F, Activation::Relu);
        for (int64_t b = 0; b < batch; ++b)
            conv2d_reference_forward(x.data() + b * in_size, kernel.data(), bias.data(), g, F, want_y.data() + b * out_size);
        for (auto& v : want_y) v = std::max(v, 0.0f);
        check_close(y, want_y, 1e-6, "y");

        std::vector<float> dx(batch * in_size), want_dx(batch * in_size);
        std::vector<float> dkernel(taps, 0.25f), want_dkernel(taps, 0.25f);
        conv2d_1channel_backward(dx.data(), dkernel.data(), nullptr, dz.data(), x.data(), kernel.data(), batch, g, F);
        for (int64_t b = 0; b < batch; ++b) {
            conv2d_reference_backward_input(dz.data() + b * out_size, kernel.data(), g, F, want_dx.data() + b * in_size);
            conv2d_reference_backward_kernel(dz.data() + b * out_size, x.data() + b * in_size, g, F, want_dkernel.data());
        }
        check_close(dx, want_dx, 1e-6, "dx");
        check_close(dkernel, want_dkernel, 2e-6, "dkernel");
    };
    for (int k : {1, 2, 3, 5})
        for (int stride : {1, 2})
            for (Padding p : {Padding::Valid, Padding::Same})
                for (int F : {1, std::max(1, kLanes - 1), 4 * kLanes + 3, 32}) {
                    CAPTURE(k);
                    CAPTURE(stride);
                    CAPTURE(F);
                    check(geometry(9, 7, 1, p, k, stride), F);
                    const ConvGeometry tiny = geometry(2, 1, 1, p, k, stride);  // windows larger than the map
                    if (tiny.out_h > 0 && tiny.out_w > 0) check(tiny, F);
                }
}

// The fast paths against the general one: Winograd (3×3 stride 1) and the one-channel kernel give
// what im2col + GEMM gives for the same layer, in the forward pass and in every gradient.
TEST_CASE("Winograd and the one-channel kernel agree with im2col + GEMM: forward, input, kernel and bias gradients") {
    struct Case {
        int h, w, C, F;
        Padding p;
    };
    for (Case c : {Case{28, 28, 1, 32, Padding::Valid}, Case{9, 7, 1, 5, Padding::Same}, Case{26, 26, 32, 64, Padding::Valid},
                   Case{11, 6, kLanes + 3, kNR + 1, Padding::Same}}) {
        CAPTURE(c.h);
        CAPTURE(c.C);
        CAPTURE(c.F);
        const ConvGeometry g = geometry(c.h, c.w, c.C, c.p);
        REQUIRE(conv2d_algorithm(g, c.F) != ConvAlgorithm::Im2colGemm);
        const int64_t batch = 3, in_size = g.in_pixels() * c.C, out_size = g.out_pixels() * c.F, taps = 9 * c.C * c.F;
        Rng rng(c.h * 10 + c.C);
        auto x = test::random_vector(batch * in_size, rng), dz = test::random_vector(batch * out_size, rng);
        auto kernel = test::random_vector(taps, rng), bias = test::random_vector(c.F, rng);
        std::vector<float> col(batch * g.out_pixels() * g.patch_size()), dcol(col.size());

        std::vector<float> y(batch * out_size), want_y(batch * out_size);
        conv2d_forward(y.data(), x.data(), kernel.data(), bias.data(), batch, g, c.F, Activation::Relu, nullptr);
        conv2d_im2col_forward(want_y.data(), x.data(), kernel.data(), bias.data(), batch, g, c.F, Activation::Relu, col.data());
        check_close(y, want_y, 2e-5, "y");

        std::vector<float> dx(batch * in_size), want_dx(batch * in_size);
        std::vector<float> dkernel(taps, 0.5f), want_dkernel(taps, 0.5f), dbias(c.F, 1.0f), want_dbias(c.F, 1.0f);
        conv2d_backward(dx.data(), dkernel.data(), dbias.data(), dz.data(), x.data(), kernel.data(), batch, g, c.F,
                        nullptr, nullptr);
        conv2d_im2col_backward(want_dx.data(), want_dkernel.data(), want_dbias.data(), dz.data(), x.data(), kernel.data(),
                               batch, g, c.F, col.data(), dcol.data());
        check_close(dx, want_dx, 2e-5, "dx");
        check_close(dkernel, want_dkernel, 2e-5, "dkernel");
        check_close(dbias, want_dbias, 1e-6, "dbias");
    }
}

// A dilated window goes to im2col + GEMM, even with one channel or a 3×3 window, and im2col's
// gather (and col2im's scatter) skip dilation − 1 pixels between taps.
TEST_CASE("dilated convolution: im2col + GEMM matches direct convolution, forward and both gradients") {
    struct Case {
        int h, w, C, F, k, dh, dw;
        Padding p;
    };
    for (Case c : {Case{9, 9, 1, 5, 3, 2, 2, Padding::Valid}, Case{8, 7, 3, 4, 3, 2, 3, Padding::Same},
                   Case{10, 6, kLanes + 1, kNR + 1, 2, 4, 1, Padding::Same}, Case{5, 5, 2, 3, 3, 3, 3, Padding::Same}}) {
        CAPTURE(c.h);
        CAPTURE(c.C);
        CAPTURE(c.dh);
        CAPTURE(c.dw);
        const ConvGeometry g = make_conv_geometry(c.h, c.w, c.C, c.k, c.k, 1, 1, c.p, c.dh, c.dw);
        REQUIRE(conv2d_algorithm(g, c.F) == ConvAlgorithm::Im2colGemm);
        const int64_t batch = 2, in_size = g.in_pixels() * c.C, out_size = g.out_pixels() * c.F, taps = g.patch_size() * c.F;
        Rng rng(c.h * 10 + c.dh);
        auto x = test::random_vector(batch * in_size, rng), dz = test::random_vector(batch * out_size, rng);
        auto kernel = test::random_vector(taps, rng), bias = test::random_vector(c.F, rng);
        std::vector<float> col(conv2d_scratch_floats(g, c.F, batch)), dcol(col.size());

        std::vector<float> y(batch * out_size), want_y(batch * out_size);
        conv2d_forward(y.data(), x.data(), kernel.data(), bias.data(), batch, g, c.F, Activation::Linear, col.data());
        for (int64_t b = 0; b < batch; ++b)
            conv2d_reference_forward(x.data() + b * in_size, kernel.data(), bias.data(), g, c.F, want_y.data() + b * out_size);
        check_close(y, want_y, 2e-5, "y");

        std::vector<float> dx(batch * in_size), want_dx(batch * in_size), dkernel(taps, 0.5f), want_dkernel(taps, 0.5f);
        conv2d_backward(dx.data(), dkernel.data(), nullptr, dz.data(), x.data(), kernel.data(), batch, g, c.F, col.data(),
                        dcol.data());
        for (int64_t b = 0; b < batch; ++b) {
            conv2d_reference_backward_input(dz.data() + b * out_size, kernel.data(), g, c.F, want_dx.data() + b * in_size);
            conv2d_reference_backward_kernel(dz.data() + b * out_size, x.data() + b * in_size, g, c.F, want_dkernel.data());
        }
        check_close(dx, want_dx, 2e-5, "dx");
        check_close(dkernel, want_dkernel, 2e-5, "dkernel");
    }
}

TEST_CASE("the convolution drivers give bit-identical results at 1, 2 and 3 threads") {
    // 5 images: 80 tiles in 4 groups of blocks, the images in 4 groups, dz's rows in 2 groups.
    for (int C : {1, 32}) {
        CAPTURE(C);
        const ConvGeometry g = geometry(14, 14, C, Padding::Same);
        const int F = 32, batch = 5;
        const int64_t in_size = g.in_pixels() * C, out_size = g.out_pixels() * F;
        Rng rng(7);
        auto x = test::random_vector(batch * in_size, rng), dz = test::random_vector(batch * out_size, rng);
        auto kernel = test::random_vector(9 * C * F, rng), bias = test::random_vector(F, rng);
        std::vector<std::vector<float>> results;
        for (int threads : {1, 2, 3}) {
            set_num_threads(threads);
            std::vector<float> y(batch * out_size), dx(batch * in_size), dkernel(9 * C * F), dbias(F);
            if (C == 1) {
                conv2d_1channel_forward(y.data(), x.data(), kernel.data(), bias.data(), batch, g, F, Activation::Relu);
                conv2d_1channel_backward(dx.data(), dkernel.data(), dbias.data(), dz.data(), x.data(), kernel.data(), batch, g, F);
            } else {
                conv2d_winograd_forward(y.data(), x.data(), kernel.data(), bias.data(), batch, g, F, Activation::Relu);
                conv2d_winograd_backward(dx.data(), dkernel.data(), dbias.data(), dz.data(), x.data(), kernel.data(), batch, g, F);
            }
            for (auto* v : {&y, &dx, &dkernel, &dbias}) results.push_back(*v);
        }
        set_num_threads(1);
        for (size_t i = 0; i < 4; ++i) {
            CHECK(results[i] == results[i + 4]);
            CHECK(results[i] == results[i + 8]);
        }
    }
}

TEST_CASE("a dropout mask made in slices equals the whole, drops its rate, and changes with the key") {
    const int64_t n = 100000;
    const double rate = 0.25;
    std::vector<float> whole(n), sliced(n), other(n);
    dropout_mask(whole.data(), 0, n, rate, 42);
    for (int64_t b = 0; b < n; b += 777) dropout_mask(sliced.data(), b, std::min(n, b + 777), rate, 42);
    CHECK(whole == sliced);
    dropout_mask(other.data(), 0, n, rate, 43);
    int64_t dropped = 0, both = 0;
    for (int64_t i = 0; i < n; ++i) {
        REQUIRE((whole[i] == 0.0f || whole[i] == float(1.0 / 0.75)));
        dropped += whole[i] == 0.0f;
        both += whole[i] == 0.0f && other[i] == 0.0f;
    }
    CHECK(std::abs(double(dropped) / n - rate) < 0.005);        // 25 % ± 0.5 % (about 3.6 σ)
    CHECK(std::abs(double(both) / n - rate * rate) < 0.004);   // independent keys: 6.25 % dropped by both
    std::vector<float> none(n);
    dropout_mask(none.data(), 0, n, 0.0, 42);
    CHECK(std::count(none.begin(), none.end(), 1.0f) == n);
}

TEST_CASE("max pooling picks the same values and winners as a scalar loop, the first of equal values winning") {
    for (int C : {1, kLanes, kLanes + 3, 2 * kLanes + 1})
        for (int k : {2, 3})
            for (int stride : {1, 2})
                for (Padding p : {Padding::Valid, Padding::Same}) {
                    CAPTURE(C);
                    CAPTURE(k);
                    CAPTURE(stride);
                    const ConvGeometry g = geometry(7, 6, C, p, k, stride);
                    Rng rng(C * 100 + k * 10 + stride);
                    std::vector<float> x(g.in_pixels() * C);
                    for (auto& v : x) v = float(rng.below(4));  // few values: many ties
                    std::vector<float> y(g.out_pixels() * C);
                    std::vector<int32_t> argmax(y.size());
                    maxpool_nhwc(x.data(), g, y.data(), argmax.data());
                    for (int oh = 0; oh < g.out_h; ++oh)
                        for (int ow = 0; ow < g.out_w; ++ow)
                            for (int c = 0; c < C; ++c) {
                                float best = 0;
                                int32_t winner = -1;
                                for (int i = 0; i < k; ++i)
                                    for (int j = 0; j < k; ++j) {
                                        const int ih = oh * stride - g.pad_top + i, iw = ow * stride - g.pad_left + j;
                                        if (ih < 0 || iw < 0 || ih >= g.in_h || iw >= g.in_w) continue;
                                        const int32_t index = (ih * g.in_w + iw) * C + c;
                                        if (winner < 0 || x[index] > best) best = x[index], winner = index;
                                    }
                                const int64_t o = (int64_t(oh) * g.out_w + ow) * C + c;
                                REQUIRE(argmax[o] == winner);
                                REQUIRE(y[o] == best);
                            }
                }
}

TEST_CASE("the dense input gradient, computed transposed, equals dz · kernelᵀ exactly, at 1 and 2 threads") {
    for (int64_t batch : {1, 3, 32})
        for (int64_t in : {1, 17, 300})
            for (int64_t units : {1, 10, 300}) {
                Rng rng(batch * 1000 + in * 10 + units);
                auto dz = test::random_vector(batch * units, rng), kernel = test::random_vector(in * units, rng);
                std::vector<float> want(batch * in);
                // The same products summed in the same order: the GEMM of dz and the transposed kernel.
                gemm(batch, in, units, row_major(dz.data(), units), row_major(kernel.data(), units).transposed(), want.data(),
                     in, false);
                for (int threads : {1, 2}) {
                    set_num_threads(threads);
                    std::vector<float> dx(batch * in, -1.0f);
                    dense_backward_input(dx.data(), dz.data(), kernel.data(), batch, in, units);
                    REQUIRE(dx == want);
                }
                set_num_threads(1);
            }
}

TEST_CASE("a single row of C (one image through a Dense layer) matches the reference, wide tiles and the rest") {
    for (int64_t N : {int64_t(kGemvColumns), int64_t(2 * kGemvColumns + kNR + 3), int64_t(kGemvColumns - 1)})
        for (int64_t K : {1, 7, 300})
            for (bool accumulate : {false, true})
                for (int64_t a_stride : {1, 3}) {  // A in place, or with no unit stride (packed)
                    Rng rng(N * 100 + K);
                    auto a = test::random_vector(K * a_stride, rng), b = test::random_vector(K * N, rng);
                    auto fast = test::random_vector(N, rng), slow = fast;
                    const MatView A{a.data(), 1, a_stride};
                    gemm(1, N, K, A, row_major(b.data(), N), fast.data(), N, accumulate);
                    gemm_reference(1, N, K, A, row_major(b.data(), N), slow.data(), N, accumulate);
                    for (int64_t j = 0; j < N; ++j)
                        REQUIRE_MESSAGE(std::fabs(fast[j] - slow[j]) <= 1e-5f * (1.0f + 4.0f * std::sqrt(float(K))),
                                        "N=" << N << " K=" << K << " at " << j);
                }
}
