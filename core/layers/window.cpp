#include "window.h"

#include "core/refuse.h"

namespace cnn {

ConvGeometry window_geometry(const Shape& in, int kh, int kw, int sh, int sw, Padding padding,
                             const char* window_field) {
    if (in.rank != 3) refuse("needs a 3-D input (height, width, channels) but gets " + in.str());
    const ConvGeometry g = make_conv_geometry(in.h, in.w, in.c, kh, kw, sh, sw, padding);
    auto size = [](int h, int w) { return std::to_string(h) + "x" + std::to_string(w); };
    if (g.out_h < 1 || g.out_w < 1)
        refuse("a " + size(kh, kw) + " 'valid' window does not fit the " + size(in.h, in.w) + " input " + in.str() +
                   "; use padding 'same' or a smaller window",
               window_field);
    return g;
}

}  // namespace cnn
