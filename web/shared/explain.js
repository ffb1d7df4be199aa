// @ts-check
// Explanations of each layer type and parameter, in English and Korean (the tutorial the page
// teaches is Korean). Plain strings, no DOM. Correct where the tutorial is not: in Keras,
// Dropout(rate) DROPS that fraction.

const en = {
  layer: {
    Conv2D: 'Convolution: slides `filters` small windows of weights over the input. Each filter gives one feature map that is high where its pattern (an edge, a stroke end, a curve) appears, so the output has `filters` channels.',
    MaxPooling2D: 'Max pooling: keeps the largest value of each pool_size × pool_size window, channel by channel. It shrinks height and width, makes the network less sensitive to exactly where a stroke is, and has no weights.',
    Dropout: 'While training, sets a random fraction `rate` of the values to 0 and multiplies the others by 1/(1 − rate), so their expected sum stays the same; when classifying it does nothing. In Keras, rate is the fraction DROPPED: Dropout(0.7) drops 70 %, it does not keep 70 %. Why it helps: no unit can rely on particular partners being there, so each must learn something useful on its own — this reduces overfitting, like averaging many thinned networks.',
    Flatten: 'Lays the height × width × channels block out as one row of numbers (row by row, channels last) so that Dense layers can take it. No weights.',
    Dense: 'Fully connected: each of the `units` outputs is a weighted sum of all inputs plus a bias (w·x + b). Parameters = inputs × units + units.',
    Activation: 'Applies a function to every value: relu = max(0, x); softmax turns scores into probabilities that add up to 1; also sigmoid, tanh, linear (no change), elu, selu, gelu, swish (x·sigmoid(x)), softplus (log(1 + eˣ)) and relu6 (min(max(0, x), 6)). No weights.',
    ReLU: 'ReLU as a layer: max(0, x), with Keras\' options: values above max_value are cut to max_value (ReLU(max_value=6) is relu6), values below threshold are multiplied by negative_slope instead of set to 0. No weights.',
    LeakyReLU: 'Leaky ReLU: x where x > 0, alpha·x elsewhere. Negative inputs keep a small slope, so a unit that only sees negative values still gets a gradient and can recover ("dying ReLU"). No weights.',
    BatchNormalization: 'Batch normalization: while training, each channel is normalised with the mean and variance of the current batch, then scaled by gamma and shifted by beta (both learned); a moving average of those statistics is kept and used when classifying. It lets a network train faster and at higher learning rates. Parameters: 4 per channel, of which gamma and beta (2 per channel) are trained.',
    AveragePooling2D: 'Average pooling: the mean of each pool_size × pool_size window, channel by channel. Like max pooling it shrinks height and width and has no weights, but it keeps a blend of the whole window rather than its strongest value (LeNet-5 used it). With \'same\' padding only the cells inside the image are averaged.',
    GlobalAveragePooling2D: 'Global average pooling: the mean of each whole feature map, one number per channel: (h, w, c) → (c). It can replace Flatten and a large Dense layer at the end of a convolutional network, with no weights at all — AllConv_GAP has a twelfth of Basic_CNN\'s weights this way.',
    GlobalMaxPooling2D: 'Global max pooling: the largest value of each whole feature map, one number per channel: (h, w, c) → (c): whether the channel\'s pattern appears anywhere in the image. No weights.',
    ZeroPadding2D: 'Adds rows and columns of zeros around each feature map (top, bottom, left, right), e.g. so that a following \'valid\' convolution keeps the size. No weights.',
    DepthwiseConv2D: 'Depthwise convolution: each input channel is convolved with its own depth_multiplier filters, channels are never mixed. Output channels = input channels × depth_multiplier; weights = k·k·channels·depth_multiplier — far fewer than a Conv2D.',
    SeparableConv2D: 'Separable convolution: a depthwise convolution (each channel on its own) followed by a 1×1 pointwise convolution that mixes the channels into `filters` outputs. It does much of what a Conv2D does with a fraction of the weights (the idea behind MobileNet and Xception).',
    SpatialDropout2D: 'Like Dropout, but drops whole feature maps: while training, a random fraction `rate` of the channels is set to 0 everywhere in the image (the rest scaled by 1/(1 − rate)). Neighbouring pixels of a map are strongly correlated, so dropping single values hardly regularises a convolution; dropping whole channels does. Nothing happens when classifying.',
  },
  param: {
    filters: 'Number of filters = output channels. Each filter has kernel_size × kernel_size × (input channels) weights and one bias.',
    kernel_size: 'The window a filter looks at: k × k pixels. Bigger windows see more at once and cost more weights; with \'valid\' padding the output loses k − 1 pixels per side length.',
    strides: 'How many pixels the window moves per step. A stride of s divides the output size by about s.',
    padding: '\'valid\': no padding, the window stays inside the input: out = floor((in − k) / s) + 1. \'same\': zeros around the border so that out = ceil(in / s) — with stride 1 the size is kept.',
    activation: 'Applied to the layer\'s output: relu keeps positive values and sets negative ones to 0; softmax gives probabilities (last layer); linear applies nothing; elu, selu, gelu, swish, softplus and relu6 are smoother or bounded variants of relu.',
    pool_size: 'The pooling window: the largest of pool_size × pool_size values is kept. Strides default to pool_size, so pool_size 2 halves height and width.',
    'MaxPooling2D.strides': 'How far the window moves; Keras\' default is pool_size (windows that do not overlap).',
    'AveragePooling2D.strides': 'How far the window moves; Keras\' default is pool_size (windows that do not overlap).',
    rate: 'Fraction of the values dropped (set to 0) while training, from 0 up to (not including) 1; the kept values are scaled by 1/(1 − rate).',
    units: 'Number of outputs (neurons). The last layer needs one per class: 10.',
    data_format: 'Where the channels are in the tensor: channels_last (height, width, channels) is the only layout here, as in TensorFlow.js.',
    dilation_rate: 'Spaces out the window\'s taps: with rate d a k × k kernel covers (k − 1)·d + 1 pixels per side with the same k·k weights, so it sees further without more weights. 1 = an ordinary convolution.',
    use_bias: 'Whether each output channel adds a learned bias b. Turn it off before BatchNormalization, whose beta does the same job.',
    kernel_initializer: 'How the kernel\'s weights are drawn before training: GlorotUniform (Keras\' default) scales them to the fan-in and fan-out, HeNormal/HeUniform suit ReLU, Zeros/Ones/Constant give fixed values. A seed makes the draw repeatable.',
    bias_initializer: 'The biases\' starting values; Keras starts them at Zeros.',
    kernel_regularizer: 'A penalty on large kernel weights added to the loss: L1 adds l1·Σ|w| (pushes weights to exactly 0), L2 adds l2·Σw² (keeps them small: weight decay), L1L2 both. It reduces overfitting.',
    bias_regularizer: 'The same penalty on the biases (rarely needed).',
    max_value: 'The largest output; empty = no limit (max_value 6 gives relu6).',
    negative_slope: 'The slope below the threshold: 0 is the plain ReLU, a small value such as 0.1 a leaky one.',
    threshold: 'Values below it count as "negative": they are set to 0 (or scaled by negative_slope). Usually 0.',
    alpha: 'The slope for negative inputs: output = alpha·x when x < 0 (Keras\' default 0.3; TensorFlow.js names it alpha too).',
    axis: 'The axis that holds the features to normalise: −1 = the last, the channels (3 in (batch, h, w, c)).',
    momentum: 'How slowly the moving mean and variance follow the batches: moving = momentum·moving + (1 − momentum)·batch. Keras\' 0.99 averages about the last 100 batches.',
    epsilon: 'A small number added to the variance before its square root, so that a channel that never varies does not divide by 0.',
    center: 'Whether a learned offset beta is added after normalising.',
    scale: 'Whether the normalised values are multiplied by a learned gamma. Often off when a ReLU follows, since ReLU does not care about the scale.',
    beta_initializer: 'Starting value of the learned offset beta (Zeros).',
    gamma_initializer: 'Starting value of the learned scale gamma (Ones).',
    moving_mean_initializer: 'Starting value of the moving mean used when classifying (Zeros).',
    moving_variance_initializer: 'Starting value of the moving variance used when classifying (Ones).',
    beta_regularizer: 'A penalty on beta added to the loss (L1, L2 or both).',
    gamma_regularizer: 'A penalty on gamma added to the loss (L1, L2 or both).',
    keepdims: 'Keep the height and width as 1 × 1 (output (1, 1, c)) instead of dropping them (output (c)), so that image layers can follow.',
    depth_multiplier: 'How many filters each input channel gets in the depthwise step: output channels = input channels × depth_multiplier.',
    depthwise_initializer: 'How the depthwise filters\' weights are drawn before training (see kernel_initializer).',
    pointwise_initializer: 'How the 1×1 pointwise weights that mix the channels are drawn before training.',
    depthwise_regularizer: 'A penalty on the depthwise weights added to the loss (L1, L2 or both).',
    pointwise_regularizer: 'A penalty on the pointwise weights added to the loss (L1, L2 or both).',
    'ZeroPadding2D.padding': 'How many rows of zeros go above and below, and columns left and right, of each feature map.',
    'SpatialDropout2D.rate': 'Fraction of the channels dropped (set to 0 in the whole image) while training, from 0 up to (not including) 1.',
    'Activation.activation': 'The function applied to every value (see the layer\'s explanation).',
  },
  size: {
    valid: (/** @type {Geometry} */ g) => `'valid': out = floor((${g.n} − ${g.k}) / ${g.s}) + 1 = ${g.out}`,
    same: (/** @type {Geometry} */ g) => `'same': out = ceil(${g.n} / ${g.s}) = ${g.out}`,
  },
  params: (/** @type {number} */ n) => `${n.toLocaleString('en')} parameters`,
  how: {
    title: 'How Basic_CNN works',
    intro: 'A CNN works in two stages: feature extraction (convolution and pooling, repeated) keeps the telling strokes of the image and shrinks it; classification (fully connected layers) turns those features into one score per digit.',
    items: [
      ['Input 28×28×1', 'The gray values of the 28×28 image divided by 255, so each pixel is between 0 and 1.'],
      ['Conv2D(32, 3×3, padding \'same\') + ReLU', '32 filters of 3×3 weights slide over the image one pixel at a time (strides 1). Each answers strongly where its pattern appears, giving one feature map per filter. \'same\' padding adds a border of zeros so the output keeps the input\'s size (28×28); \'valid\' would use none and shrink it to floor((28 − 3) / 1) + 1 = 26. ReLU sets negative answers to 0.'],
      ['Conv2D(32, 3×3) + ReLU', 'A second convolution combines the 32 maps of the first into 32 new ones: patterns of patterns.'],
      ['MaxPooling2D(2×2)', 'Keeps the largest value of each 2×2 window, halving width and height (28×28 → 14×14). pool_size is the size of that window; the strides default to it.'],
      ['Dropout(0.25)', 'While training, sets a random 25 % of the values to zero and scales the remaining 75 % up by 1/0.75, a different 25 % each step. In Keras the number is the fraction dropped, not kept. It keeps the network from relying on any single feature, which reduces overfitting. When classifying, Dropout does nothing.'],
      ['Conv2D(64) ×2 + ReLU, MaxPooling2D, Dropout(0.25)', 'The same again with 64 filters, on the 14×14 maps, down to 7×7×64.'],
      ['Flatten', 'Lays the 7×7×64 values out in one row of 3,136 numbers so fully connected layers can take them.'],
      ['Dense(512) + ReLU', 'Each of 512 units computes a weighted sum of all 3,136 inputs plus a bias (w·x + b), then ReLU. This one layer holds 1.6 million of the 1.7 million weights.'],
      ['Dropout(0.5)', 'Drops half of those 512 values while training (and doubles the other half).'],
      ['Dense(10) + Softmax', 'One score per digit; softmax turns the ten scores into probabilities that add up to 1 — the bars above.'],
    ],
    training: 'Training shows the network batches of 32 images, measures how wrong it is (cross-entropy loss) and nudges every weight a little in the direction that lowers the loss (Adam, learning rate 0.001). One epoch is one pass over all 60,000 training images: 1,875 steps.',
  },
};

const ko = {
  layer: {
    Conv2D: '합성곱: 작은 가중치 창(필터) `filters`개를 입력 위로 밀면서 계산합니다. 필터마다 특성 맵(feature map)이 하나씩 나오며, 그 필터의 패턴(가장자리, 획의 끝, 곡선)이 있는 곳에서 값이 커집니다. 그래서 출력 채널 수는 `filters`입니다.',
    MaxPooling2D: '최대 풀링: 채널마다 pool_size × pool_size 창 안에서 가장 큰 값만 남깁니다. 높이와 너비가 줄고, 획의 정확한 위치에 덜 민감해지며, 학습할 가중치는 없습니다.',
    Dropout: '학습할 때만 값의 `rate` 비율을 무작위로 0으로 만들고 나머지 값에는 1/(1 − rate)를 곱해 합의 기댓값을 유지합니다. 분류할 때는 아무 일도 하지 않습니다. Keras에서 rate는 버리는(DROP) 비율입니다: Dropout(0.7)은 70 %를 남기는 것이 아니라 70 %를 버립니다. 도움이 되는 이유: 어떤 유닛도 특정 짝이 있으리라 기대할 수 없으므로 각자 쓸모 있는 것을 배우게 되어 과적합이 줄어듭니다 — 일부가 빠진 여러 네트워크를 평균 내는 것과 비슷합니다.',
    Flatten: '높이 × 너비 × 채널 블록을 숫자 한 줄로 펼쳐서(행 순서, 채널이 마지막) Dense 층이 받을 수 있게 합니다. 가중치는 없습니다.',
    Dense: '완전 연결층: `units`개의 출력 각각이 모든 입력의 가중합에 편향을 더한 값(w·x + b)입니다. 파라미터 수 = 입력 수 × units + units.',
    Activation: '모든 값에 함수를 적용합니다: relu = max(0, x); softmax는 점수를 합이 1인 확률로 바꿉니다; 그 밖에 sigmoid, tanh, linear(그대로), elu, selu, gelu, swish(x·sigmoid(x)), softplus(log(1 + eˣ)), relu6(min(max(0, x), 6))이 있습니다. 가중치는 없습니다.',
    ReLU: '층으로 쓰는 ReLU: max(0, x)이며 Keras의 옵션이 있습니다. max_value보다 큰 값은 max_value로 자르고(ReLU(max_value=6)이 relu6), threshold보다 작은 값은 0 대신 negative_slope를 곱합니다. 가중치는 없습니다.',
    LeakyReLU: 'Leaky ReLU: x > 0이면 x, 아니면 alpha·x. 음수 입력에도 작은 기울기가 남아서, 음수만 받는 유닛도 기울기를 받아 회복할 수 있습니다("죽은 ReLU" 방지). 가중치는 없습니다.',
    BatchNormalization: '배치 정규화: 학습 중에는 채널마다 현재 배치의 평균과 분산으로 정규화한 뒤, 학습되는 gamma를 곱하고 beta를 더합니다. 그 통계의 이동 평균을 따로 두었다가 분류할 때 씁니다. 네트워크가 더 빨리, 더 큰 학습률로 학습하게 해 줍니다. 파라미터는 채널마다 4개이고 그중 gamma와 beta(채널마다 2개)가 학습됩니다.',
    AveragePooling2D: '평균 풀링: 채널마다 pool_size × pool_size 창의 평균을 남깁니다. 최대 풀링처럼 높이와 너비를 줄이고 가중치가 없지만, 가장 강한 값 대신 창 전체를 섞어서 남깁니다(LeNet-5가 썼습니다). \'same\' 패딩에서는 이미지 안의 칸만 평균합니다.',
    GlobalAveragePooling2D: '전역 평균 풀링: 특성 맵 전체의 평균, 즉 채널마다 숫자 하나: (h, w, c) → (c). 합성곱 네트워크 끝의 Flatten과 큰 Dense 층을 가중치 하나 없이 대신할 수 있습니다 — AllConv_GAP은 이렇게 해서 가중치가 Basic_CNN의 12분의 1입니다.',
    GlobalMaxPooling2D: '전역 최대 풀링: 특성 맵 전체에서 가장 큰 값, 채널마다 숫자 하나: (h, w, c) → (c). 그 채널의 패턴이 이미지 어딘가에 있는지를 나타냅니다. 가중치는 없습니다.',
    ZeroPadding2D: '특성 맵 둘레(위, 아래, 왼쪽, 오른쪽)에 0으로 된 행과 열을 덧붙입니다. 예를 들어 뒤따르는 \'valid\' 합성곱이 크기를 유지하게 할 때 씁니다. 가중치는 없습니다.',
    DepthwiseConv2D: '깊이별(depthwise) 합성곱: 입력 채널마다 자기만의 필터 depth_multiplier개로 합성곱하며, 채널끼리 섞지 않습니다. 출력 채널 수 = 입력 채널 수 × depth_multiplier, 가중치 = k·k·채널 수·depth_multiplier로 Conv2D보다 훨씬 적습니다.',
    SeparableConv2D: '분리 합성곱: 깊이별 합성곱(채널마다 따로) 뒤에 채널을 섞어 `filters`개의 출력을 만드는 1×1 점별(pointwise) 합성곱이 이어집니다. Conv2D가 하는 일의 대부분을 훨씬 적은 가중치로 합니다(MobileNet, Xception의 아이디어).',
    SpatialDropout2D: 'Dropout과 비슷하지만 특성 맵을 통째로 버립니다: 학습 중에 채널의 `rate` 비율을 무작위로 골라 이미지 전체에서 0으로 만들고, 나머지에는 1/(1 − rate)를 곱합니다. 한 맵의 이웃 픽셀들은 서로 강하게 연관되어 있어서 값 하나씩 버리면 합성곱에는 규제 효과가 거의 없지만, 채널을 통째로 버리면 효과가 있습니다. 분류할 때는 아무 일도 하지 않습니다.',
  },
  param: {
    filters: '필터 수 = 출력 채널 수. 필터 하나에는 kernel_size × kernel_size × (입력 채널 수)개의 가중치와 편향 1개가 있습니다.',
    kernel_size: '필터가 보는 창의 크기: k × k 픽셀. 창이 크면 한 번에 더 넓게 보지만 가중치가 많아지고, \'valid\' 패딩에서는 출력의 한 변이 k − 1 픽셀 줄어듭니다.',
    strides: '창이 한 번에 움직이는 픽셀 수. stride가 s이면 출력 크기가 약 1/s이 됩니다.',
    padding: '\'valid\': 패딩 없이 창이 입력 안에서만 움직입니다: 출력 = floor((입력 − k) / s) + 1. \'same\': 가장자리에 0을 채워 출력 = ceil(입력 / s) — stride가 1이면 크기가 그대로입니다.',
    activation: '층의 출력에 적용하는 함수: relu는 양수는 그대로 두고 음수는 0으로 만듭니다; softmax는 확률을 만듭니다(마지막 층); linear는 아무것도 하지 않습니다; elu, selu, gelu, swish, softplus, relu6은 relu를 부드럽게 하거나 범위를 제한한 변형입니다.',
    pool_size: '풀링 창: pool_size × pool_size개의 값 중 가장 큰 값을 남깁니다. strides의 기본값이 pool_size이므로 pool_size가 2이면 높이와 너비가 절반이 됩니다.',
    'MaxPooling2D.strides': '창이 움직이는 칸 수. Keras의 기본값은 pool_size입니다(창이 겹치지 않음).',
    'AveragePooling2D.strides': '창이 움직이는 칸 수. Keras의 기본값은 pool_size입니다(창이 겹치지 않음).',
    rate: '학습 중에 버리는(0으로 만드는) 값의 비율로, 0 이상 1 미만입니다. 남은 값에는 1/(1 − rate)를 곱합니다.',
    units: '출력(뉴런)의 개수. 마지막 층은 클래스마다 하나, 즉 10개가 필요합니다.',
    data_format: '텐서에서 채널의 위치: 여기서는 TensorFlow.js처럼 channels_last(높이, 너비, 채널)만 씁니다.',
    dilation_rate: '창의 탭 사이를 벌립니다: 비율이 d이면 k × k 커널이 같은 k·k개의 가중치로 한 변에 (k − 1)·d + 1 픽셀을 덮어, 가중치를 늘리지 않고 더 넓게 봅니다. 1 = 보통의 합성곱.',
    use_bias: '출력 채널마다 학습되는 편향 b를 더할지 여부. BatchNormalization 앞에서는 끄세요. 그 층의 beta가 같은 일을 합니다.',
    kernel_initializer: '학습 전에 커널 가중치를 뽑는 방법: GlorotUniform(Keras 기본값)은 입력·출력 수에 맞춰 크기를 정하고, HeNormal/HeUniform은 ReLU에 알맞으며, Zeros/Ones/Constant는 고정값을 줍니다. seed를 주면 같은 값을 다시 뽑을 수 있습니다.',
    bias_initializer: '편향의 시작값. Keras는 Zeros로 시작합니다.',
    kernel_regularizer: '큰 커널 가중치에 주는 벌점을 손실에 더합니다: L1은 l1·Σ|w|(가중치를 정확히 0으로 밀어냄), L2는 l2·Σw²(가중치를 작게 유지: 가중치 감쇠), L1L2는 둘 다. 과적합을 줄입니다.',
    bias_regularizer: '같은 벌점을 편향에 줍니다(거의 필요 없음).',
    max_value: '출력의 최댓값. 비워 두면 제한이 없습니다(max_value 6이면 relu6).',
    negative_slope: 'threshold 아래에서의 기울기: 0이면 보통의 ReLU, 0.1 같은 작은 값이면 leaky ReLU입니다.',
    threshold: '이 값보다 작으면 "음수"로 보고 0으로 만듭니다(또는 negative_slope를 곱합니다). 보통 0입니다.',
    alpha: '음수 입력의 기울기: x < 0이면 출력 = alpha·x (Keras 기본값 0.3, TensorFlow.js도 alpha라고 부릅니다).',
    axis: '정규화할 특징이 있는 축: −1 = 마지막 축, 즉 채널((batch, h, w, c)에서 3).',
    momentum: '이동 평균과 분산이 배치를 얼마나 천천히 따라가는지: 이동값 = momentum·이동값 + (1 − momentum)·배치값. Keras의 0.99는 대략 최근 100개 배치의 평균입니다.',
    epsilon: '제곱근을 구하기 전에 분산에 더하는 작은 수로, 변하지 않는 채널이 0으로 나누지 않게 합니다.',
    center: '정규화한 뒤 학습되는 오프셋 beta를 더할지 여부.',
    scale: '정규화한 값에 학습되는 gamma를 곱할지 여부. 뒤에 ReLU가 오면 크기가 상관없으므로 흔히 끕니다.',
    beta_initializer: '학습되는 오프셋 beta의 시작값(Zeros).',
    gamma_initializer: '학습되는 배율 gamma의 시작값(Ones).',
    moving_mean_initializer: '분류할 때 쓰는 이동 평균의 시작값(Zeros).',
    moving_variance_initializer: '분류할 때 쓰는 이동 분산의 시작값(Ones).',
    beta_regularizer: 'beta에 주는 벌점을 손실에 더합니다(L1, L2 또는 둘 다).',
    gamma_regularizer: 'gamma에 주는 벌점을 손실에 더합니다(L1, L2 또는 둘 다).',
    keepdims: '높이와 너비를 없애지 않고 1 × 1로 남깁니다(출력 (1, 1, c), 아니면 (c)). 그러면 뒤에 이미지 층이 올 수 있습니다.',
    depth_multiplier: '깊이별 단계에서 입력 채널 하나가 받는 필터 수: 출력 채널 수 = 입력 채널 수 × depth_multiplier.',
    depthwise_initializer: '학습 전에 깊이별 필터의 가중치를 뽑는 방법(kernel_initializer 참고).',
    pointwise_initializer: '학습 전에 채널을 섞는 1×1 점별 가중치를 뽑는 방법.',
    depthwise_regularizer: '깊이별 가중치에 주는 벌점을 손실에 더합니다(L1, L2 또는 둘 다).',
    pointwise_regularizer: '점별 가중치에 주는 벌점을 손실에 더합니다(L1, L2 또는 둘 다).',
    'ZeroPadding2D.padding': '특성 맵의 위와 아래에 덧붙일 0의 행 수, 왼쪽과 오른쪽에 덧붙일 열 수.',
    'SpatialDropout2D.rate': '학습 중에 버리는(이미지 전체에서 0으로 만드는) 채널의 비율로, 0 이상 1 미만입니다.',
    'Activation.activation': '모든 값에 적용하는 함수(층 설명 참고).',
  },
  size: {
    valid: (/** @type {Geometry} */ g) => `'valid': 출력 = floor((${g.n} − ${g.k}) / ${g.s}) + 1 = ${g.out}`,
    same: (/** @type {Geometry} */ g) => `'same': 출력 = ceil(${g.n} / ${g.s}) = ${g.out}`,
  },
  params: (/** @type {number} */ n) => `파라미터 ${n.toLocaleString('en')}개`,
  how: {
    title: 'Basic_CNN의 작동 방식',
    intro: 'CNN은 두 단계로 작동합니다. 특징 추출(합성곱과 풀링의 반복)은 이미지에서 중요한 획을 남기면서 크기를 줄이고, 분류(완전 연결층)는 그 특징을 숫자마다 점수 하나로 바꿉니다.',
    items: [
      ['입력 28×28×1', '28×28 이미지의 회색값을 255로 나눈 것으로, 각 픽셀은 0과 1 사이입니다.'],
      ['Conv2D(32, 3×3, padding \'same\') + ReLU', '3×3 가중치로 된 필터 32개가 이미지 위를 한 픽셀씩(strides 1) 움직입니다. 각 필터는 자기 패턴이 있는 곳에서 강하게 반응하며, 필터마다 특성 맵이 하나씩 나옵니다. \'same\' 패딩은 가장자리에 0을 채워 출력이 입력과 같은 크기(28×28)가 되게 하고, \'valid\'는 패딩 없이 floor((28 − 3) / 1) + 1 = 26으로 줄입니다. ReLU는 음수를 0으로 만듭니다.'],
      ['Conv2D(32, 3×3) + ReLU', '두 번째 합성곱은 첫 번째의 맵 32개를 조합해 새 맵 32개를 만듭니다: 패턴의 패턴입니다.'],
      ['MaxPooling2D(2×2)', '2×2 창마다 가장 큰 값을 남겨 너비와 높이를 절반으로 줄입니다(28×28 → 14×14). pool_size는 그 창의 크기이고 strides의 기본값도 같습니다.'],
      ['Dropout(0.25)', '학습 중에 값의 25 %를 무작위로 0으로 만들고(매 단계 다른 25 %), 남은 75 %에는 1/0.75를 곱합니다. Keras에서 이 숫자는 남기는 비율이 아니라 버리는 비율입니다. 네트워크가 특정 특징 하나에 의존하지 않게 하여 과적합을 줄입니다. 분류할 때 Dropout은 아무 일도 하지 않습니다.'],
      ['Conv2D(64) ×2 + ReLU, MaxPooling2D, Dropout(0.25)', '같은 과정을 필터 64개로 14×14 맵에 반복하여 7×7×64가 됩니다.'],
      ['Flatten', '7×7×64개의 값을 3,136개의 숫자 한 줄로 펼쳐 완전 연결층이 받을 수 있게 합니다.'],
      ['Dense(512) + ReLU', '512개의 유닛 각각이 3,136개 입력 전체의 가중합에 편향을 더하고(w·x + b) ReLU를 적용합니다. 가중치 170만 개 중 160만 개가 이 층에 있습니다.'],
      ['Dropout(0.5)', '학습 중에 512개 값의 절반을 버립니다(나머지 절반은 2배가 됩니다).'],
      ['Dense(10) + Softmax', '숫자마다 점수 하나; softmax가 10개의 점수를 합이 1인 확률로 바꿉니다 — 위의 막대들입니다.'],
    ],
    training: '학습은 이미지 32장씩(배치) 네트워크에 보여 주고, 얼마나 틀렸는지(교차 엔트로피 손실) 잰 뒤, 손실이 줄어드는 방향으로 모든 가중치를 조금씩 움직입니다(Adam, 학습률 0.001). 에포크 하나는 학습 이미지 60,000장 전체를 한 번 보는 것으로, 1,875단계입니다.',
  },
};

/** @typedef {typeof en} Texts */
/** A window's output size along one axis: input n, window k, stride s, padding, output out. */
/** @typedef {{ n: number, k: number, s: number, padding: string, out: number }} Geometry */

/** @type {Readonly<Record<string, Texts>>} */
export const TEXT = Object.freeze({ en, ko });

export const text = (/** @type {string} */ lang) => TEXT[lang] ?? en;

/**
 * The explanation of a field of a layer kind: its own ('MaxPooling2D.strides': pool strides
 * differ from conv strides), else the field's ('' when there is none).
 */
export function paramText(/** @type {string} */ lang, /** @type {string} */ type, /** @type {string} */ field) {
  const t = /** @type {Record<string, string>} */ (text(lang).param);
  return t[`${type}.${field}`] ?? t[field] ?? '';
}

/** The explanation of a layer kind ('' when there is none). */
export const layerText = (/** @type {string} */ lang, /** @type {string} */ type) =>
  /** @type {Record<string, string>} */ (text(lang).layer)[type] ?? '';

/** How a layer's output size follows from its input, with the numbers filled in. */
export function sizeText(/** @type {string} */ lang, /** @type {Geometry} */ geometry) {
  return text(lang).size[geometry.padding === 'same' ? 'same' : 'valid'](geometry);
}
