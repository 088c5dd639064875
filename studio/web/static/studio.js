// The page API, for automation and embedding (README, "The studio in the browser"):
//   window.studio.info() -> {backend, adapter, f16, threads, software}: what runs, on what
//   await window.studio.digit({digit, seed, sliders, truncation, blendTo, blend, method, backend})
//     -> {width, height, data}: grey 0..255, one byte per pixel
//   await window.studio.stylize(photoBlob, paintingBlob, {strength, maxSide, keepColours, backend}) -> a PNG Blob
// backend: "webgpu" or "wasm"; paintings use WebGPU where the browser has it, digits WebAssembly (a 28 px
// digit is a few milliseconds there, about what one round trip to a GPU costs).
import { Digits, grey } from "./digits.js";
import { checkBackend, info } from "./engine.js";
import { Style, STYLE_SIZE } from "./style.js";

const loaded = new Map();
const once = (key, load) => (loaded.has(key) ? loaded.get(key) : (loaded.set(key, load()), loaded.get(key)));
export const engines = {
  digits: (backend = "wasm") => once(`digits-${checkBackend(backend)}`, () => Digits.load(undefined, backend)),
  style: (backend = undefined) => {
    const b = checkBackend(backend);
    return once(`style-${b}`, () => Style.load(b));
  },
};

// A picture (Blob, ImageBitmap, canvas or video) as ImageData, its long side at most maxSide: the
// size the server paints (studio.style.tensors.fit); Style pads it for the network and crops it back.
export async function pixels(source, maxSide) {
  const bitmap = source instanceof Blob ? await createImageBitmap(source) : source;
  const w0 = bitmap.videoWidth || bitmap.width, h0 = bitmap.videoHeight || bitmap.height;
  const scale = Math.min(1, maxSide / Math.max(w0, h0));
  const w = Math.max(1, Math.round(w0 * scale)), h = Math.max(1, Math.round(h0 * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

export async function toPng(image) {
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: "image/png" });
}

// Blobs seen before keep their key, so a painting (or a photo) is encoded once however often it is used.
const keys = new WeakMap();
let seen = 0;
const keyOf = (blob) => (blob instanceof Blob ? keys.get(blob) || (keys.set(blob, `api-${++seen}`), keys.get(blob)) : null);

window.studio = {
  info,
  async digit({ backend = "wasm", ...options } = {}) {
    const d = await engines.digits(backend);
    return { width: d.size, height: d.size, data: grey(await d.render(options)) };
  },
  async stylize(photo, painting, { strength = 1, maxSide = 1024, keepColours = false, backend = undefined } = {}) {
    if (!(maxSide >= 64 && maxSide <= 2048)) throw new RangeError("maxSide must be from 64 to 2048");
    const s = await engines.style(backend);
    const [p, art] = await Promise.all([pixels(photo, maxSide), pixels(painting, STYLE_SIZE)]);
    const key = keyOf(photo), own = key && `${key}-own`;
    const photoCode = strength < 1 ? await s.code(await pixels(photo, STYLE_SIZE), own) : null;
    const code = await s.code(art, keyOf(painting));
    return toPng(await s.paint(p, code, { strength, keepColours, photoCode, photoKey: key && `${key}-${maxSide}` }));
  },
};
