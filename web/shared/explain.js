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
    Activation: 'Applies a function to every value: relu = max(0, x); softmax turns scores into probabilities that add up to 1; also sigmoid, tanh and linear (no change).',
  },
  param: {
    filters: 'Number of filters = output channels. Each filter has kernel_size × kernel_size × (input channels) weights and one bias.',
    kernel_size: 'The window a filter looks at: k × k pixels. Bigger windows see more at once and cost more weights; with \'valid\' padding the output loses k − 1 pixels per side length.',
    strides: 'How many pixels the window moves per step. A stride of s divides the output size by about s.',
    padding: '\'valid\': no padding, the window stays inside the input: out = floor((in − k) / s) + 1. \'same\': zeros around the border so that out = ceil(in / s) — with stride 1 the size is kept.',
    activation: 'Applied to the layer\'s output: relu keeps positive values and sets negative ones to 0; softmax gives probabilities (last layer); linear applies nothing.',
    pool_size: 'The pooling window: the largest of pool_size × pool_size values is kept. Strides default to pool_size, so pool_size 2 halves height and width.',
    pool_strides: 'How far the window moves; empty = pool_size (Keras\' default: windows that do not overlap).',
    rate: 'Fraction of the values dropped (set to 0) while training, from 0 up to (not including) 1; the kept values are scaled by 1/(1 − rate).',
    units: 'Number of outputs (neurons). The last layer needs one per class: 10.',
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
    Activation: '모든 값에 함수를 적용합니다: relu = max(0, x); softmax는 점수를 합이 1인 확률로 바꿉니다; 그 밖에 sigmoid, tanh, linear(그대로)가 있습니다.',
  },
  param: {
    filters: '필터 수 = 출력 채널 수. 필터 하나에는 kernel_size × kernel_size × (입력 채널 수)개의 가중치와 편향 1개가 있습니다.',
    kernel_size: '필터가 보는 창의 크기: k × k 픽셀. 창이 크면 한 번에 더 넓게 보지만 가중치가 많아지고, \'valid\' 패딩에서는 출력의 한 변이 k − 1 픽셀 줄어듭니다.',
    strides: '창이 한 번에 움직이는 픽셀 수. stride가 s이면 출력 크기가 약 1/s이 됩니다.',
    padding: '\'valid\': 패딩 없이 창이 입력 안에서만 움직입니다: 출력 = floor((입력 − k) / s) + 1. \'same\': 가장자리에 0을 채워 출력 = ceil(입력 / s) — stride가 1이면 크기가 그대로입니다.',
    activation: '층의 출력에 적용하는 함수: relu는 양수는 그대로 두고 음수는 0으로 만듭니다; softmax는 확률을 만듭니다(마지막 층); linear는 아무것도 하지 않습니다.',
    pool_size: '풀링 창: pool_size × pool_size개의 값 중 가장 큰 값을 남깁니다. strides의 기본값이 pool_size이므로 pool_size가 2이면 높이와 너비가 절반이 됩니다.',
    pool_strides: '창이 움직이는 칸 수. 비워 두면 pool_size와 같습니다(Keras 기본값: 창이 겹치지 않음).',
    rate: '학습 중에 버리는(0으로 만드는) 값의 비율로, 0 이상 1 미만입니다. 남은 값에는 1/(1 − rate)를 곱합니다.',
    units: '출력(뉴런)의 개수. 마지막 층은 클래스마다 하나, 즉 10개가 필요합니다.',
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

/** The explanation of a field of a layer type (pool strides differ from conv strides). */
export function paramText(/** @type {string} */ lang, /** @type {string} */ type, /** @type {string} */ field) {
  const t = /** @type {Record<string, string>} */ (text(lang).param);
  if (type === 'MaxPooling2D' && field === 'strides') return t.pool_strides;
  return t[field] ?? '';
}

/** How a layer's output size follows from its input, with the numbers filled in. */
export function sizeText(/** @type {string} */ lang, /** @type {Geometry} */ geometry) {
  return text(lang).size[geometry.padding === 'same' ? 'same' : 'valid'](geometry);
}
