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
LayerPtr make_softmax();
LayerPtr make_relu();
LayerPtr make_leaky_relu();
LayerPtr make_batch_normalization();
LayerPtr make_average_pooling2d();
LayerPtr make_global_average_pooling2d();
LayerPtr make_global_max_pooling2d();
LayerPtr make_zero_padding2d();
LayerPtr make_depthwise_conv2d();
LayerPtr make_separable_conv2d();
LayerPtr make_spatial_dropout2d();

}  // namespace cnn
