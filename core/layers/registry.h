// The layer kinds, one file each in core/layers/, made by their Keras class names in registry.cpp.
#pragma once
#include "core/layer.h"
#include "core/refuse.h"

namespace cnn {

LayerPtr make_conv2d();
LayerPtr make_max_pooling2d();
LayerPtr make_dropout();
LayerPtr make_flatten();
LayerPtr make_dense();
LayerPtr make_activation();
LayerPtr make_relu();
LayerPtr make_softmax();

}  // namespace cnn
