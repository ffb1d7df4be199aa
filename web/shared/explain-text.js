// @ts-check
// One line for each map that explains a prediction (saliency, Grad-CAM, occlusion), and for
// teaching and fine-tuning, in English and Korean. Plain strings, no DOM.

/**
 * @typedef {{
 *   saliency: (name: string) => string,
 *   gradcam: (name: string, layer: string) => string,
 *   noGradcam: string,
 *   occlusion: (name: string, patch: number) => string,
 *   choose: string,
 *   needMore: (n: number) => string,
 * }} ExplainTexts
 */

/** @type {ExplainTexts} */
const en = {
  saliency: (name) => `Saliency: how strongly each pixel moves the score of “${name}” (the gradient of that score, before the softmax) — the brightest pixels matter most.`,
  gradcam: (name, layer) => `Grad-CAM on ${layer}: where that layer found what raises the score of “${name}” (its feature maps weighted by the score's mean gradient, negatives cut).`,
  noGradcam: 'Grad-CAM needs a convolution layer, and this network has none.',
  occlusion: (name, patch) => `Occlusion: the probability of “${name}” with each ${patch}×${patch} patch greyed out — dark where hiding the patch costs the most.`,
  choose: 'Click a probability bar to explain that class instead; click it again to go back to the answer.',
  needMore: (n) => `Teach ${n} more digit${n === 1 ? '' : 's'} to fine-tune (at least 10 are needed).`,
};

/** @type {ExplainTexts} */
const ko = {
  saliency: (name) => `돌출 맵(saliency): 각 픽셀이 “${name}”의 점수(소프트맥스 이전)를 얼마나 크게 움직이는지 — 그 점수의 기울기입니다. 밝을수록 중요한 픽셀입니다.`,
  gradcam: (name, layer) => `${layer}의 Grad-CAM: 이 층이 “${name}”의 점수를 높이는 특징을 찾은 곳 (점수 기울기의 평균으로 가중한 특징 맵의 합, 음수는 0).`,
  noGradcam: 'Grad-CAM에는 합성곱 층이 필요한데, 이 네트워크에는 없습니다.',
  occlusion: (name, patch) => `가림(occlusion): 각 ${patch}×${patch} 조각을 회색으로 가렸을 때 “${name}”일 확률 — 가렸을 때 확률이 가장 떨어지는 곳이 어둡습니다.`,
  choose: '확률 막대를 누르면 그 클래스를 설명합니다. 한 번 더 누르면 예측한 답으로 돌아갑니다.',
  needMore: (n) => `미세 조정을 하려면 숫자를 ${n}개 더 가르쳐 주세요 (10개 이상 필요).`,
};

/** @type {Readonly<Record<string, ExplainTexts>>} */
const TEXT = Object.freeze({ en, ko });

export const explainText = (/** @type {string} */ lang) => TEXT[lang] ?? en;
