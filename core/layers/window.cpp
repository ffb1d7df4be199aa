#include "window.h"

#include "core/limits.h"
#include "core/refuse.h"

namespace cnn {

ConvGeometry window_geometry(const Shape& in, int kh, int kw, int sh, int sw, Padding padding,
                             const char* window_field, int dh, int dw) {
    if (in.rank != 3) refuse("needs a 3-D input (height, width, channels) but gets " + in.str());
    const ConvGeometry g = make_conv_geometry(in.h, in.w, in.c, kh, kw, sh, sw, padding, dh, dw);
    auto size = [](int h, int w) { return std::to_string(h) + "x" + std::to_string(w); };
    const std::string spans = g.dilated()
        ? " (spanning " + size(dilated_extent(kh, dh), dilated_extent(kw, dw)) + " with dilation_rate " + size(dh, dw) + ")"
        : "";
    if (g.out_h < 1 || g.out_w < 1)
        refuse("a " + size(kh, kw) + " 'valid' window" + spans + " does not fit the " + size(in.h, in.w) + " input " +
                   in.str() + "; use padding 'same' or a smaller window",
               window_field);
    return g;
}

void PoolWindow::fields(ConfigFields& f) {
    f.pair("pool_size", pool_h, pool_w, 1, kMaxWindow);
    if (!f.pair("strides", stride_h, stride_w, 1, kMaxWindow)) stride_h = pool_h, stride_w = pool_w;  // None
    f.padding("padding", padding);
    f.data_format("data_format");
}

ConvGeometry PoolWindow::connect(const Shape& in) const {
    return window_geometry(in, pool_h, pool_w, stride_h, stride_w, padding, "pool_size");
}

void WholeImageWindow::fields(ConfigFields& f) {
    f.data_format("data_format");
    f.boolean("keepdims", keepdims);
}

ConvGeometry WholeImageWindow::connect(const Shape& in) const {
    return window_geometry(in, in.h, in.w, 1, 1, Padding::Valid, "data_format");
}

}  // namespace cnn
