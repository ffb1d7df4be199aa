// @ts-check
// The drawing pad: records pen strokes with Pointer Events (mouse, touch and pen alike) and
// paints them. The strokes themselves, not the painted pixels, feed the MNIST preprocessing
// (shared/preprocess.js), so the stroke width the network sees does not depend on the drawing's size.

/** Logical size of the pad in CSS pixels; stroke coordinates use this system. */
export const PAD_SIZE = 280;
const PEN_WIDTH = 18;

/** @typedef {{ x: number, y: number }} Point */

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{ onChange: (strokes: Point[][], final: boolean) => void }} options  final: a stroke ended or the pad was cleared
 */
export function createDrawPad(canvas, { onChange }) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {Point[][]} */
  let strokes = [];
  /** @type {Point[] | null} */
  let current = null;
  /** @type {number | null} */
  let activePointer = null;

  function resize() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(PAD_SIZE * ratio);
    canvas.height = Math.round(PAD_SIZE * ratio);
    ctx.setTransform(canvas.width / PAD_SIZE, 0, 0, canvas.height / PAD_SIZE, 0, 0);
    paint();
  }

  function paint() {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    for (const stroke of strokes) paintStroke(stroke);
  }

  function paintStroke(/** @type {Point[]} */ stroke) {
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = PEN_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    if (stroke.length === 1) {
      ctx.beginPath();
      ctx.arc(stroke[0].x, stroke[0].y, PEN_WIDTH / 2, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    ctx.beginPath();
    ctx.moveTo(stroke[0].x, stroke[0].y);
    for (let i = 1; i < stroke.length; i++) ctx.lineTo(stroke[i].x, stroke[i].y);
    ctx.stroke();
  }

  function pointOf(/** @type {PointerEvent} */ event) {
    const rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * PAD_SIZE) / rect.width,
      y: ((event.clientY - rect.top) * PAD_SIZE) / rect.height,
    };
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (activePointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    activePointer = event.pointerId;
    canvas.setPointerCapture(event.pointerId);
    current = [pointOf(event)];
    strokes.push(current);
    paintStroke(current);
    onChange(strokes, false);
  });

  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== activePointer || !current) return;
    const events = event.getCoalescedEvents?.() ?? [event];
    const from = current.length - 1;
    for (const e of events.length ? events : [event]) current.push(pointOf(e));
    // Only the new piece of the stroke is painted: the rest is already on the canvas.
    ctx.beginPath();
    ctx.moveTo(current[from].x, current[from].y);
    for (let i = from + 1; i < current.length; i++) ctx.lineTo(current[i].x, current[i].y);
    ctx.stroke();
    onChange(strokes, false);
  });

  const end = (/** @type {PointerEvent} */ event) => {
    if (event.pointerId !== activePointer) return;
    activePointer = null;
    current = null;
    onChange(strokes, true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' || event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      clear();
    }
  });

  function clear() {
    strokes = [];
    current = null;
    activePointer = null;
    paint();
    onChange(strokes, true);
  }

  window.matchMedia?.(`(resolution: ${window.devicePixelRatio || 1}dppx)`)
    .addEventListener?.('change', resize);
  resize();

  return {
    clear,
    get strokes() {
      return strokes;
    },
  };
}

/** Paints a 28×28 image (values 0..1) into a small canvas, white ink on black like MNIST. */
/** @param {HTMLCanvasElement} canvas @param {ArrayLike<number> | null} pixels */
export function paintImage28(canvas, pixels, size = 28) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const v = pixels ? Math.round(Math.min(1, Math.max(0, pixels[i])) * 255) : 0;
    image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = v;
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
