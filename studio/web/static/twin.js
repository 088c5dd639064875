// A drawing's twin in the browser: the drawing read as MNIST is (studio.digits.drawing: the ink's
// box scaled to 20 px, its centre of mass on the 28 x 28 field's centre), then the exported
// encoder's proposal: a latent and the digit it looks like. The server refines the proposal by
// optimisation; here the proposal is the twin.
import { FILES, ort, session } from "./engine.js";

const FIELD = 28, BOX = 20;

// canvas: dark ink painted on a transparent or light canvas -> Float32Array(784) of ink in [0, 1]
export function readDrawing(canvas) {
  const { width: w, height: h } = canvas;
  const px = canvas.getContext("2d").getImageData(0, 0, w, h).data;
  const ink = new Float32Array(w * h);
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let i = 0; i < w * h; i++) {
    const alpha = px[4 * i + 3] / 255, lum = (px[4 * i] + px[4 * i + 1] + px[4 * i + 2]) / 765;
    ink[i] = alpha * (1 - lum);
    if (ink[i] >= 0.25) {
      const x = i % w, y = Math.floor(i / w);
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) throw new Error("the drawing is empty: draw a digit on the canvas");
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, scale = BOX / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale)), sh = Math.max(1, Math.round(bh * scale));
  const crop = new OffscreenCanvas(bw, bh), img = new ImageData(bw, bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
    const v = Math.round(255 * ink[(y + y0) * w + x + x0]);
    img.data.set([v, v, v, 255], 4 * (y * bw + x));
  }
  crop.getContext("2d").putImageData(img, 0, 0);
  const small = new OffscreenCanvas(sw, sh), ctx = small.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(crop, 0, 0, sw, sh);
  const s = ctx.getImageData(0, 0, sw, sh).data, box = new Float32Array(sw * sh);
  let peak = 0, total = 0, cx = 0, cy = 0;
  for (let i = 0; i < sw * sh; i++) { box[i] = s[4 * i] / 255; peak = Math.max(peak, box[i]); }
  for (let i = 0; i < sw * sh; i++) {
    box[i] /= peak; total += box[i]; cx += (i % sw) * box[i]; cy += Math.floor(i / sw) * box[i];
  }
  const clamp = (v, hi) => Math.min(Math.max(v, 0), hi);
  const top = clamp(Math.round(FIELD / 2 - 0.5 - cy / total), FIELD - sh);
  const left = clamp(Math.round(FIELD / 2 - 0.5 - cx / total), FIELD - sw);
  const field = new Float32Array(FIELD * FIELD);
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) field[(top + y) * FIELD + left + x] = box[y * sw + x];
  return field;
}

export class Twin {
  static async load() {
    return new Twin(await session(FILES.encoder));
  }

  constructor(net) {
    this.net = net;
  }

  // ink (784, in [0, 1]) -> {latent, digit, confidence}
  async find(ink) {
    const x = Float32Array.from(ink, (v) => v * 2 - 1); // the generator's range: ink white on black
    const { latent, logits } = await this.net.run({ drawing: new ort.Tensor("float32", x, [1, 1, FIELD, FIELD]) });
    const l = Array.from(logits.data), top = Math.max(...l), e = l.map((v) => Math.exp(v - top));
    const digit = l.indexOf(top);
    return { latent: Array.from(latent.data), digit, confidence: e[digit] / e.reduce((a, b) => a + b) };
  }
}
