// The Digits engine in the browser: the same latent from the same seed as the server
// (seeds.js), truncation and sliders as studio.digits.pipeline.DigitStudio.edit, then the
// exported generator. Images are Float32Arrays in [-1, 1]; grey() maps them to 0..255.
import { FILES, ort, session, json } from "./engine.js";
import { seedLatent } from "./seeds.js";

const f32 = Math.fround;

export class Digits {
  static async load(models = undefined, backend = "wasm") {
    const [meta, net] = await Promise.all([json(FILES.meta, models), session(FILES.generator, models, backend)]);
    return new Digits(meta, net);
  }

  constructor(meta, net) {
    this.meta = meta;
    this.net = net;
    this.size = meta.image_size;
  }

  directions(method = "pca") {
    return this.meta.directions[method] || [];
  }

  latent({ seed = 0, latent = null, sliders = [], truncation = 1, method = "pca" }) {
    const n = this.meta.latent_dim;
    const z = latent ? this.checkLatent(latent) : seedLatent(check(seed, 0, this.meta.max_seed, "seed", true), n);
    const t = check(truncation, 0, 1, "truncation");
    for (let i = 0; i < n; i++) z[i] = f32(z[i] * t);
    const dirs = this.directions(method);
    sliders.forEach((v, k) => {
      if (!v) return;
      const s = check(v, -this.meta.slider_range, this.meta.slider_range, `slider ${k + 1}`);
      const d = dirs[k].vector;
      for (let i = 0; i < n; i++) z[i] = f32(z[i] + f32(s * d[i]));
    });
    return z;
  }

  // A latent from outside (a twin's): the generator's length, finite, within max_latent (as the server).
  checkLatent(latent) {
    const z = Float32Array.from(latent, Number), lim = this.meta.max_latent ?? 12;
    if (z.length !== this.meta.latent_dim) {
      throw new RangeError(`a latent for this generator has ${this.meta.latent_dim} numbers, got ${z.length}`);
    }
    if (!z.every((v) => Number.isFinite(v) && Math.abs(v) <= lim)) {
      throw new RangeError(`latent values must be finite and within ±${lim}`);
    }
    return z;
  }

  classes({ digit = 0, blendTo = null, blend = 0 }) {
    if (!this.meta.conditional) return new Float32Array(0); // one set, no classes: the generator takes z only
    const y = new Float32Array(this.meta.num_classes);
    const b = check(blend, 0, 1, "blend");
    const d = check(digit, 0, this.meta.num_classes - 1, "digit", true);
    if (blendTo === null || blendTo === undefined || blendTo === "none") {
      y[d] = 1;
    } else {
      y[d] += f32(1 - b);
      y[check(blendTo, 0, this.meta.num_classes - 1, "second digit", true)] += b;
    }
    return y;
  }

  // Several digits at once: rows of [latent options, class options]; returns one Float32Array each.
  async batch(items) {
    const n = this.meta.latent_dim, c = this.meta.num_classes, k = items.length;
    const z = new Float32Array(k * n), y = new Float32Array(k * c);
    items.forEach((o, i) => { z.set(this.latent(o), i * n); y.set(this.classes(o), i * c); });
    const feeds = { z: new ort.Tensor("float32", z, [k, n]) };
    if (this.meta.conditional) feeds.y = new ort.Tensor("float32", y, [k, c]);
    const { image } = await this.net.run(feeds);
    const px = (this.meta.channels || 1) * this.size * this.size; // planes: grey, or red, green, blue
    return items.map((_, i) => image.data.slice(i * px, (i + 1) * px));
  }

  async render(options) {
    return (await this.batch([options]))[0];
  }
}

export function grey(x) {
  const out = new Uint8ClampedArray(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.round((x[i] + 1) * 127.5);
  return out;
}

// An image's planes in [-1, 1] (one grey, or red, green and blue) as RGBA pixels for a canvas.
export function rgba(x, channels = 1) {
  const n = x.length / channels, out = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = Math.round((x[(channels === 3 ? c : 0) * n + i] + 1) * 127.5);
    out[4 * i + 3] = 255;
  }
  return out;
}

function check(value, lo, hi, name, whole = false) {
  const v = typeof value === "string" ? Number(value.trim() || NaN) : value;
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi || (whole && !Number.isInteger(v))) {
    throw new RangeError(`${name} must be ${whole ? "a whole number" : "a number"} from ${lo} to ${hi}, got ${value}`);
  }
  return v;
}
