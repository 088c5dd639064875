// The Digits tab's live path in the browser: the controls' values -> the digit, drawn by the app's
// generator exported as ONNX (studio/web/app_engine.py), with no request to the server. show()
// answers false when it cannot draw (engine still loading, or a value it refuses): the tab then
// asks the server, which also words the message for a bad value.
import { Digits, grey } from "./digits.js";
import { ort } from "./engine.js";

// On this page only the generator runs (about 2 ms a digit): on the page's own thread, since a
// worker's two messages per digit would cost more than the run (the static studio, which also
// paints photos, keeps the worker).
ort.env.wasm.proxy = false;

let engine = null; // {models, digits: Promise<Digits>}
let busy = false, pending = null; // one run at a time; the newest values wait, older ones are dropped

export function preload(web) {
  if (!engine || engine.models !== web.models) {
    const digits = Digits.load(new URL(web.models, import.meta.url));
    engine = { models: web.models, digits, ready: null };
    digits.then((d) => {
      engine.ready = d;
      // Said on the picture's box: for the person (a tooltip) and for tests waiting on the engine.
      const box = document.querySelector("#digit-image");
      if (box) { box.dataset.engine = "browser"; box.title = "Drawn in your browser (WebAssembly)"; }
    }, (e) => console.warn("Digits in the browser are off:", e));
  }
  return engine;
}

// values: the tab's inputs in order (digit, blend into, blend, seed, truncation, sliders..., method,
// twin latent, web); methods: the direction picker's labels -> keys.
export function show(values, web, methods) {
  const d = preload(web).ready;
  if (!d) return false;
  let options;
  try {
    options = read(values, methods);
    d.latent(options); // validate now: a refused value goes to the server, which explains it
    d.classes(options);
  } catch (e) {
    return false;
  }
  pending = options;
  if (!busy) drain(d);
  return true;
}

function read(values, methods) {
  const [digit, blendTo, blend, seed, truncation, ...rest] = values;
  const [method, twin] = rest.slice(-3, -1);
  const sliders = rest.slice(0, -3).map(Number);
  const none = blendTo === null || blendTo === undefined || blendTo === "none";
  return {
    digit: Number(digit), blendTo: none ? null : Number(blendTo), blend: Number(blend),
    seed: typeof seed === "string" ? Number(seed) : seed, truncation: Number(truncation),
    sliders, method: methods[method] || method, latent: Array.isArray(twin) ? twin : null,
  };
}

async function drain(d) {
  busy = true;
  try {
    while (pending) {
      const options = pending;
      pending = null;
      paint(grey(await d.render(options)), d.size);
    }
  } catch (e) {
    console.warn("browser digit failed:", e);
  } finally {
    busy = false;
  }
}

const canvas = document.createElement("canvas"); // reused: one small canvas for every frame
let last = null; // the newest frame drawn here, put back when a stale server answer replaced it

// The newest browser drawing back in view (after a late server answer for an older value).
export function repaint() {
  if (last) paint(...last);
}

function paint(pixels, size) {
  last = [pixels, size];
  const box = document.querySelector("#digit-image");
  if (!box) return;
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const rgba = ctx.createImageData(size, size);
  for (let i = 0, j = 0; i < pixels.length; i++, j += 4) {
    rgba.data[j] = rgba.data[j + 1] = rgba.data[j + 2] = pixels[i];
    rgba.data[j + 3] = 255;
  }
  ctx.putImageData(rgba, 0, 0);
  let img = box.querySelector("img");
  if (!img) {
    img = document.createElement("img");
    img.width = img.height = 280;
    img.style.cssText = "image-rendering: pixelated; width: 280px; height: 280px; display: block; margin: auto;";
    (box.querySelector(".prose") || box).appendChild(img);
  }
  img.alt = "generated digit (drawn in your browser)";
  img.src = canvas.toDataURL("image/png");
}
