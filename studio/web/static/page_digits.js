// The Digits tab: the shipped generator drawn on each move of a control, a 10 × 10 grid, an
// interpolation strip, and a drawn digit's twin (twin.js).
import { grey } from "./digits.js";
import { engines } from "./studio.js";
import { readDrawing, Twin } from "./twin.js";

const $ = (id) => document.getElementById(id);
const SLIDERS = 8;

export function paintGrey(canvas, values, size, x = 0, y = 0) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(size, size), g = grey(values);
  for (let i = 0; i < g.length; i++) img.data.set([g[i], g[i], g[i], 255], 4 * i);
  ctx.putImageData(img, x, y);
}

// A slider's value beside its label, as the person reads it.
export function shows(input, output, format) {
  const put = () => { output.value = format(Number(input.value)); };
  input.addEventListener("input", put);
  put();
}

const state = { digit: 3, latent: null };
function options() {
  const blendTo = $("blend-to").value;
  return { digit: state.digit, latent: state.latent, blendTo: blendTo === "none" ? null : Number(blendTo), blend: Number($("blend").value),
           seed: Number($("seed").value), truncation: Number($("truncation").value), method: $("method").value,
           sliders: [...$("sliders").querySelectorAll("input")].map((s) => Number(s.value)) };
}

let pending = null, busy = false;
async function draw() { // one render at a time; a drag's newest position wins
  pending = options();
  if (busy) return;
  busy = true;
  const d = await engines.digits();
  while (pending) {
    const o = pending; pending = null;
    const t0 = performance.now();
    try {
      paintGrey($("digit-image"), await d.render(o), d.size);
      $("digit-image").setAttribute("aria-label", `generated digit ${o.digit}`);
      $("digit-time").textContent = `drawn in ${(performance.now() - t0).toFixed(1)} ms, on this device`;
    } catch (e) { $("digit-time").textContent = `⚠️ ${e.message}`; }
  }
  busy = false;
}

export function sliderField(i, label, range, onInput, prefix = "dir") {
  const field = Object.assign(document.createElement("div"), { className: "field" });
  const id = `${prefix}-slider-${i}`;
  field.innerHTML = `<label for="${id}"><span></span><output></output></label>`;
  field.querySelector("label span").textContent = `${i + 1}. ${label}`;
  const input = Object.assign(document.createElement("input"), { type: "range", min: -range, max: range, step: 0.05, value: 0, id });
  input.addEventListener("input", onInput);
  field.append(input);
  shows(input, field.querySelector("output"), (v) => (v > 0 ? "+" : "") + v.toFixed(2));
  return field;
}

function labelSliders(d) {
  const dirs = d.directions($("method").value).slice(0, SLIDERS);
  $("sliders").replaceChildren(...dirs.map((dir, i) => sliderField(i, dir.label, d.meta.slider_range, draw)));
}

async function grid() {
  const d = await engines.digits(), n = d.meta.latent_dim, seed = Number($("seed").value);
  const { seedLatent } = await import("./seeds.js");
  const z = seedLatent(seed, 10 * n); // as the server's grid: one draw of 10 latents from the seed
  const items = [];
  for (let digit = 0; digit < 10; digit++) for (let c = 0; c < 10; c++) {
    items.push({ digit, latent: z.slice(c * n, (c + 1) * n), truncation: Number($("truncation").value) });
  }
  const images = await d.batch(items), s = d.size, canvas = $("grid");
  canvas.width = canvas.height = 10 * s;
  canvas.style.width = `${Math.min(420, 10 * s * 1.5)}px`;
  images.forEach((img, i) => paintGrey(canvas, img, s, (i % 10) * s, Math.floor(i / 10) * s));
  canvas.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

async function interpolate() { // along the great circle between the two seeds' latents, as the server does
  const d = await engines.digits(), { seedLatent } = await import("./seeds.js"), n = d.meta.latent_dim;
  const frames = Math.min(60, Math.max(2, Math.round(Number($("frames").value)) || 10));
  const a = state.latent ? Float32Array.from(state.latent) : seedLatent(Number($("seed").value), n);
  const b = seedLatent(Number($("seed-b").value), n);
  const norm = (v) => Math.hypot(...v), dot = a.reduce((s, v, i) => s + (v / norm(a)) * (b[i] / norm(b)), 0);
  const omega = Math.acos(Math.min(1 - 1e-7, Math.max(-1 + 1e-7, dot))), so = Math.sin(omega);
  const o = options();
  const items = [...Array(frames).keys()].map((k) => {
    const t = k / (frames - 1);
    const [wa, wb] = Math.abs(so) < 1e-6 ? [1 - t, t] : [Math.sin((1 - t) * omega) / so, Math.sin(t * omega) / so];
    return { ...o, blendTo: null, latent: Array.from(a, (v, i) => wa * v + wb * b[i]) };
  });
  const images = await d.batch(items), s = d.size, strip = $("strip");
  strip.width = frames * s; strip.height = s;
  strip.style.width = `${Math.min(520, frames * s * 2)}px`;
  images.forEach((img, k) => paintGrey(strip, img, s, k * s, 0));
}

function sketchpad() { // draw with a pointer (mouse, pen, finger); each finished stroke finds the twin
  const canvas = $("sketch"), ctx = canvas.getContext("2d");
  let down = false;
  ctx.lineWidth = 18; ctx.lineCap = ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
  const at = (e) => { const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
  canvas.addEventListener("pointerdown", (e) => { down = true; ctx.beginPath(); ctx.moveTo(...at(e)); ctx.lineTo(...at(e)); ctx.stroke(); });
  canvas.addEventListener("pointermove", (e) => { if (down) { ctx.lineTo(...at(e)); ctx.stroke(); } });
  const end = () => { if (down) { down = false; findTwin(); } };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointerleave", end);
  $("sketch-clear").addEventListener("click", () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!state.latent) $("twin-label").textContent = "Draw a digit: its twin appears when a stroke ends.";
  });
  $("twin-back").addEventListener("click", () => {
    state.latent = null;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    $("twin-label").textContent = "Seed mode: the seed and the digit choose the picture.";
    draw();
  });
}

let twin = null;
async function findTwin() {
  try {
    twin ??= await Twin.load();
    const found = await twin.find(readDrawing($("sketch")));
    state.latent = found.latent;
    state.digit = found.digit;
    document.querySelector(`#digit-picker input[value="${found.digit}"]`).checked = true;
    $("twin-label").textContent = `Looks like a ${found.digit} (${Math.round(100 * found.confidence)} % sure): ` +
      "every control now works on your handwriting.";
    await draw();
  } catch (e) { $("twin-label").textContent = `⚠️ ${e.message}`; }
}

async function exportPng() {
  const big = new OffscreenCanvas(280, 280), ctx = big.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage($("digit-image"), 0, 0, 280, 280);
  save(await big.convertToBlob({ type: "image/png" }), "digit.png");
}

export function save(blob, name) {
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// Radio buttons drawn as a row of buttons (page_generate.js makes its class list the same way).
export function picker(box, names, chosen, onPick) {
  box.replaceChildren(...names.map((name, k) => {
    const label = document.createElement("label");
    const r = Object.assign(document.createElement("input"), { type: "radio", name: box.id, value: k, checked: k === chosen });
    r.setAttribute("aria-label", name);
    r.addEventListener("change", () => onPick(k));
    label.append(r, Object.assign(document.createElement("span"), { textContent: name }));
    return label;
  }));
}

export async function startDigits() {
  const d = await engines.digits();
  picker($("digit-picker"), [...Array(d.meta.num_classes).keys()].map(String), state.digit, (k) => { state.digit = k; draw(); });
  for (let k = 0; k < d.meta.num_classes; k++) $("blend-to").append(new Option(String(k)));
  for (const [key, text] of Object.entries(d.meta.method_labels)) $("method").append(new Option(text, key));
  labelSliders(d);
  $("digits-status").innerHTML = "<b>Generator:</b> <code></code>";
  $("digits-status").querySelector("code").textContent = d.meta.source;
  shows($("truncation"), $("truncation-value"), (v) => v.toFixed(2));
  shows($("blend"), $("blend-value"), (v) => `${Math.round(100 * v)} %`);
  for (const id of ["blend", "truncation"]) $(id).addEventListener("input", draw);
  for (const id of ["blend-to", "seed"]) $(id).addEventListener("change", draw);
  $("method").addEventListener("change", () => { labelSliders(d); draw(); });
  $("randomise").addEventListener("click", () => { $("seed").value = Math.floor(Math.random() * 2 ** 31); draw(); });
  $("reset").addEventListener("click", () => {
    $("sliders").querySelectorAll("input").forEach((s) => { s.value = 0; s.dispatchEvent(new Event("input")); });
  });
  $("grid-btn").addEventListener("click", grid);
  $("interp-btn").addEventListener("click", interpolate);
  sketchpad();
  $("export").addEventListener("click", exportPng);
  await draw();
}
