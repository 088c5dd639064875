// The static studio's page: wires the controls to digits.js and style.js (through studio.js).
import { grey } from "./digits.js";
import { describe } from "./engine.js";
import { STYLE_SIZE } from "./style.js";
import { engines, pixels, toPng } from "./studio.js";
import { readDrawing, Twin } from "./twin.js";

const $ = (id) => document.getElementById(id);
const SLIDERS = 8;

document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => {
  document.querySelectorAll("nav button").forEach((o) => o.setAttribute("aria-selected", o === b));
  document.querySelectorAll("section").forEach((s) => s.classList.toggle("shown", s.id === b.dataset.tab));
}));

function paintGrey(canvas, values, size, x = 0, y = 0) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(size, size), g = grey(values);
  for (let i = 0; i < g.length; i++) img.data.set([g[i], g[i], g[i], 255], 4 * i);
  ctx.putImageData(img, x, y);
}

// ---- Digits -------------------------------------------------------------------------------------
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
      $("digit-time").textContent = `drawn in ${(performance.now() - t0).toFixed(1)} ms, on this device`;
    } catch (e) { $("digit-time").textContent = `⚠️ ${e.message}`; }
  }
  busy = false;
}

function labelSliders(d) {
  const dirs = d.directions($("method").value);
  $("sliders").replaceChildren(...dirs.slice(0, SLIDERS).map((dir, i) => {
    const label = document.createElement("label");
    label.textContent = `${i + 1}. ${dir.label}`;
    const input = Object.assign(document.createElement("input"), { type: "range", min: -d.meta.slider_range,
      max: d.meta.slider_range, step: 0.05, value: 0, id: `dir-slider-${i}` });
    input.addEventListener("input", draw);
    label.append(input);
    return label;
  }));
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
  canvas.style.width = canvas.style.height = `${Math.min(420, 10 * s * 1.5)}px`;
  images.forEach((img, i) => paintGrey(canvas, img, s, (i % 10) * s, Math.floor(i / 10) * s));
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
  $("sketch-clear").addEventListener("click", () => ctx.clearRect(0, 0, canvas.width, canvas.height));
  $("twin-back").addEventListener("click", () => { state.latent = null; $("twin-label").textContent = "Seed mode."; draw(); });
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

function save(blob, name) {
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function startDigits() {
  const d = await engines.digits();
  $("digit-picker").replaceChildren(...[...Array(d.meta.num_classes).keys()].map((k) => {
    const label = document.createElement("label");
    const r = Object.assign(document.createElement("input"), { type: "radio", name: "digit", value: k, checked: k === 3 });
    r.addEventListener("change", () => { state.digit = k; draw(); });
    label.append(r, ` ${k}`);
    return label;
  }));
  for (let k = 0; k < d.meta.num_classes; k++) $("blend-to").append(new Option(String(k)));
  for (const [key, text] of Object.entries(d.meta.method_labels)) $("method").append(new Option(text, key));
  labelSliders(d);
  $("digits-status").innerHTML = `<b>Generator:</b> <code>${d.meta.source}</code>`;
  for (const id of ["blend", "truncation"]) $(id).addEventListener("input", draw);
  for (const id of ["blend-to", "seed"]) $(id).addEventListener("change", draw);
  $("method").addEventListener("change", () => { labelSliders(d); draw(); });
  $("randomise").addEventListener("click", () => { $("seed").value = Math.floor(Math.random() * 2 ** 31); draw(); });
  $("reset").addEventListener("click", () => { $("sliders").querySelectorAll("input").forEach((s) => { s.value = 0; }); draw(); });
  $("grid-btn").addEventListener("click", grid);
  $("interp-btn").addEventListener("click", interpolate);
  sketchpad();
  $("export").addEventListener("click", exportPng);
  await draw();
}

// ---- Style and Live ------------------------------------------------------------------------------
// A picture's key changes with the picture: its code and encoding are computed once, then kept.
const art = { photo: null, painting: null, photoKey: null, paintingKey: null };
let picked = 0;
function choose(role, blob) {
  art[role] = blob;
  art[`${role}Key`] = blob ? `${role}-${++picked}` : null;
}
for (const id of ["photo", "painting"]) $(id).addEventListener("change", () => choose(id, $(id).files[0] || null));

async function paintingCode(s) {
  if (!art.painting) throw new Error("choose a painting first");
  return s.code(await pixels(art.painting, STYLE_SIZE), art.paintingKey);
}

async function paint() {
  const status = $("style-status");
  try {
    if (!art.photo) throw new Error("choose a photo first");
    status.textContent = "Painting…";
    const t0 = performance.now(), s = await engines.style(), strength = Number($("strength").value);
    const code = await paintingCode(s);
    const photoCode = strength < 1 ? await s.code(await pixels(art.photo, STYLE_SIZE), `${art.photoKey}-own`) : null;
    const size = Number($("size").value);
    const out = await s.paint(await pixels(art.photo, size), code,
                              { strength, keepColours: $("keep").checked, photoCode, photoKey: `${art.photoKey}-${size}` });
    const canvas = $("style-result");
    canvas.width = out.width; canvas.height = out.height;
    canvas.style.width = `${Math.min(out.width, 520)}px`;
    canvas.getContext("2d").putImageData(out, 0, 0);
    const link = $("download");
    link.href = URL.createObjectURL(await toPng(out));
    link.hidden = false;
    status.textContent = `Painted ${out.width} × ${out.height} in ${((performance.now() - t0) / 1000).toFixed(2)} s, ` +
                         `on this device (${describe()})`;
  } catch (e) { status.textContent = `⚠️ ${e.message}`; }
}

let live = null;
async function startLive() {
  const status = $("live-status");
  try {
    const s = await engines.style(), code = await paintingCode(s), video = $("camera");
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    await video.play();
    const times = [], out = $("live-out");
    live = true;
    while (live) {
      // the model runs in the runtime's worker, so the page draws and takes input while it paints; a
      // task boundary is enough between frames (waiting for an animation frame cost up to 17 ms each)
      await new Promise((resolve) => setTimeout(resolve, 0));
      const frame = await s.paint(await pixels(video, Number($("live-size").value)), code);
      out.width = frame.width; out.height = frame.height;
      out.getContext("2d").putImageData(frame, 0, 0);
      times.push(performance.now());
      if (times.length > 20) times.shift();
      const fps = times.length > 1 ? (times.length - 1) / ((times.at(-1) - times[0]) / 1000) : 0;
      status.textContent = `${fps.toFixed(1)} fps painted at ${frame.width} × ${frame.height} (${describe()})`;
    }
  } catch (e) { status.textContent = `⚠️ ${e.message}`; }
}

function stopLive() {
  live = false;
  const stream = $("camera").srcObject;
  if (stream) stream.getTracks().forEach((t) => t.stop());
}

$("paint").addEventListener("click", paint);
for (const id of ["strength", "keep", "size"]) $(id).addEventListener("change", () => art.photo && art.painting && paint());
$("live-start").addEventListener("click", startLive);
$("live-stop").addEventListener("click", stopLive);

async function examples() { // the site's example pictures (examples/examples.json), with their credits
  try {
    const list = await (await fetch("examples/examples.json")).json();
    $("examples").replaceChildren(...list.pictures.map((p) => {
      const b = Object.assign(document.createElement("button"), { textContent: p.name });
      b.addEventListener("click", async () => {
        choose(p.role, await (await fetch(`examples/${p.file}`)).blob());
        $("style-status").textContent = `${p.role}: ${p.name}`;
      });
      return b;
    }));
    $("credits").textContent = list.credits;
  } catch { /* a site built without examples */ }
}

// Offline on the next visit: the service worker keeps the site's files (sw.js).
if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => { /* e.g. a file:// page */ });

examples();
startDigits().catch((e) => { $("digits-status").textContent = `⚠️ ${e.message}`; });
