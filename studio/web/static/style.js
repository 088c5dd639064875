// MicroAST in the browser, as studio.style.fast.FastStylizer paints: a painting's code is
// computed once and kept; strength s mixes the photo's own code with the painting's by s, then
// the pixels by s; "keep colours" keeps the painted luminance with the photo's chroma.
import { FILES, ort, session } from "./engine.js";

export const STYLE_SIZE = 512; // paintings (and the photo's own code) are encoded at this long side
const CODE = ["mean1", "std1", "mean2", "std2", "w1", "b1", "w2", "b2"];

export class Style {
  static async load(backend = "wasm") {
    const [style, content, decoder] = await Promise.all(
      [FILES.style, FILES.content, FILES.decoder].map((file) => session(file, undefined, backend)));
    return new Style(style, content, decoder);
  }

  constructor(style, content, decoder) {
    // codes: kept per picture (the painting's, the photo's own); features: the last photo's encoding,
    // so a strength or colour change runs the decoder only, as the server does
    Object.assign(this, { style, content, decoder, codes: new Map(), features: null });
  }

  // A picture as (1, 3, H, W) in [0, 1], H and W padded up to multiples of 4 (MicroAST's two stride-2
  // stages) by reflection, as studio.style.tensors.pad4 pads: the painted result is cropped back.
  static tensor(pixels) {
    const { width: w, height: h, data } = pixels;
    const W = w + ((4 - (w % 4)) % 4), H = h + ((4 - (h % 4)) % 4), N = W * H, t = new Float32Array(3 * N);
    const reflect = Math.min(w, h) > 4;
    const from = (i, n) => (i < n ? i : reflect ? 2 * (n - 1) - i : n - 1);
    for (let y = 0; y < H; y++) {
      const row = from(y, h) * w;
      for (let x = 0; x < W; x++) {
        const src = 4 * (row + from(x, w)), dst = y * W + x;
        for (let c = 0; c < 3; c++) t[c * N + dst] = data[src + c] / 255;
      }
    }
    return new ort.Tensor("float32", t, [1, 3, H, W]);
  }

  async code(pixels, key = null) {
    if (key && this.codes.has(key)) return this.codes.get(key);
    const out = await this.style.run({ painting: Style.tensor(pixels) });
    const code = CODE.map((name) => out[name]);
    if (key) {
      this.codes.set(key, code);
      if (this.codes.size > 16) this.codes.delete(this.codes.keys().next().value); // the oldest goes
    }
    return code;
  }

  // photo: ImageData (any size); paintingCode from code(); photoCode (the photo at
  // most STYLE_SIZE, for strength < 1); photoKey names the photo at this size, so that its
  // encoding is reused by the next call; returns an ImageData of the photo's size.
  async paint(photo, paintingCode, { strength = 1, keepColours = false, photoCode = null, photoKey = null } = {}) {
    const x = Style.tensor(photo);
    if (strength <= 0) return photo;
    let code = paintingCode;
    if (strength < 1) {
      code = paintingCode.map((t, i) => mix(photoCode[i], t, strength));
    }
    if (!photoKey || this.features?.key !== photoKey) {
      const { c1, c2 } = await this.content.run({ photo: x });
      this.features = { key: photoKey, c1, c2 };
    }
    // copies: the runtime's worker takes the buffers it is given, and what is kept must stay whole
    const feeds = { c1: fresh(this.features.c1), c2: fresh(this.features.c2) };
    CODE.forEach((name, i) => { feeds[name] = fresh(code[i]); });
    const { painted } = await this.decoder.run(feeds);
    return toImage(painted.data, x.data, x.dims[3], photo.width, photo.height, strength, keepColours);
  }
}

// Several paintings' codes as one, weighted (weights need not sum to 1), as studio.style.microast.StyleCode.mix.
export function mixCodes(codes, weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError("at least one painting weight must be above 0");
  if (codes.length === 1) return codes[0];
  return codes[0].map((t, i) => {
    const out = new Float32Array(t.data.length);
    codes.forEach((code, k) => { const w = weights[k] / total, d = code[i].data; for (let j = 0; j < out.length; j++) out[j] += w * d[j]; });
    return new ort.Tensor("float32", out, t.dims);
  });
}

// The painted mask (alpha 0..255 per pixel, the photo's size): the style where brushed, the photo elsewhere.
export function masked(painted, photo, alpha) {
  const out = new ImageData(painted.width, painted.height), d = out.data;
  for (let i = 0; i < alpha.length; i++) {
    const m = alpha[i] / 255;
    for (let c = 0; c < 3; c++) d[4 * i + c] = Math.round(m * painted.data[4 * i + c] + (1 - m) * photo.data[4 * i + c]);
    d[4 * i + 3] = 255;
  }
  return out;
}

function fresh(t) {
  return new ort.Tensor("float32", t.data.slice(), t.dims);
}

function mix(own, painting, s) {
  const out = new Float32Array(own.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (1 - s) * own.data[i] + s * painting.data[i];
  return new ort.Tensor("float32", out, own.dims);
}

// styled and photo: (1, 3, H, W) padded planes of width W; the result is their top-left w x h.
function toImage(styled, photo, W, w, h, s, keepColours) {
  const N = styled.length / 3, out = new ImageData(w, h), d = out.data, rgb = [0, 0, 0], own = [0, 0, 0];
  const clip = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) { // one pass, no allocation per pixel
      const j = y * W + x, i = y * w + x;
      for (let c = 0; c < 3; c++) {
        own[c] = photo[c * N + j];
        rgb[c] = clip(styled[c * N + j]);
        if (s < 1) rgb[c] = s * rgb[c] + (1 - s) * own[c];
      }
      const px = keepColours ? keepChroma(rgb, own) : rgb;
      for (let c = 0; c < 3; c++) d[4 * i + c] = Math.floor(clip(px[c]) * 255 + 0.5);
      d[4 * i + 3] = 255;
    }
  }
  return out;
}

function keepChroma([r, g, b], [pr, pg, pb]) {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const py = 0.299 * pr + 0.587 * pg + 0.114 * pb;
  const cb = (pb - py) * 0.564, cr = (pr - py) * 0.713;
  const red = y + 1.403 * cr, blue = y + 1.773 * cb; // studio.style.tensors.ycbcr_to_rgb
  return [red, (y - 0.299 * red - 0.114 * blue) / 0.587, blue];
}
