// Pen strokes of the ten digits, as a person draws them, in a unit box (x right, y down).
// The browser tests replay them with the mouse at several sizes and positions; the preprocessing
// unit test renders them directly.

/** Points along an elliptical arc; angles in degrees, 0 = right, 90 = down (screen coordinates). */
function arc(cx, cy, rx, ry, fromDeg, toDeg, n = 24) {
  const points = [];
  for (let i = 0; i <= n; i++) {
    const a = ((fromDeg + ((toDeg - fromDeg) * i) / n) * Math.PI) / 180;
    points.push({ x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
  }
  return points;
}

/** Straight segments through the given [x, y] corners, subdivided so a mouse replay is smooth. */
function line(...corners) {
  const points = [];
  for (let i = 0; i < corners.length - 1; i++) {
    const [ax, ay] = corners[i];
    const [bx, by] = corners[i + 1];
    const n = Math.max(2, Math.ceil(Math.hypot(bx - ax, by - ay) / 0.05));
    for (let k = i === 0 ? 0 : 1; k <= n; k++) points.push({ x: ax + ((bx - ax) * k) / n, y: ay + ((by - ay) * k) / n });
  }
  return points;
}

export const DIGIT_STROKES = {
  0: [arc(0.5, 0.5, 0.3, 0.45, -100, 265, 40)],
  1: [line([0.55, 0.05], [0.47, 0.95])],
  2: [[...arc(0.5, 0.3, 0.3, 0.25, 200, 360, 16), ...line([0.8, 0.3], [0.18, 0.92], [0.85, 0.92]).slice(1)]],
  3: [[...arc(0.47, 0.28, 0.3, 0.23, 210, 450, 20), ...arc(0.47, 0.72, 0.33, 0.23, 270, 510, 20).slice(1)]],
  4: [line([0.6, 0.05], [0.15, 0.62], [0.88, 0.62]), line([0.68, 0.3], [0.68, 0.97])],
  5: [[...line([0.8, 0.07], [0.28, 0.07], [0.24, 0.45]), ...arc(0.48, 0.67, 0.32, 0.27, 235, 495, 22).slice(1)]],
  6: [[...arc(0.85, 0.6, 0.6, 0.55, 250, 180, 12), ...arc(0.52, 0.72, 0.27, 0.23, 180, 540, 28).slice(1)]],
  7: [line([0.12, 0.08], [0.88, 0.08], [0.4, 0.95])],
  8: [[...arc(0.5, 0.27, 0.22, 0.22, 90, 450, 28), ...arc(0.5, 0.72, 0.27, 0.23, -90, 270, 28).slice(1)]],
  9: [[...arc(0.5, 0.3, 0.26, 0.24, 0, -360, 30), ...line([0.76, 0.3], [0.7, 0.96]).slice(1)]],
};

// Where the browser tests draw: large and centred, and small or off-centre (left, top, size in
// pad pixels; the pad is 280 × 280). The preprocessing should make the position and size irrelevant.
export const PLACEMENTS = [
  [30, 30, 220],
  [10, 10, 90],
  [175, 170, 90],
  [20, 150, 110],
  [150, 15, 120],
];

/** The strokes of `digit` placed in the square (left, top, size). */
export function placeDigit(digit, left, top, size) {
  return DIGIT_STROKES[digit].map((stroke) => stroke.map((p) => ({ x: left + p.x * size, y: top + p.y * size })));
}
