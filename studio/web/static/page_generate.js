// The Generate tab: the generators the studio trained (build-web --generator RUN), each with its class
// names and named sliders; drawn on each move, and a grid with a row per class. Hidden when the build has none.
import { Digits, rgba } from "./digits.js";
import { shows, sliderField } from "./page_digits.js";

const $ = (id) => document.getElementById(id);
const models = new URL("models/", import.meta.url);
const SLIDERS = 8;
let list = [], current = null; // current: the chosen generator's Digits engine

function paint(canvas, values, d, x = 0, y = 0) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(d.size, d.size);
  img.data.set(rgba(values, d.meta.channels || 1));
  ctx.putImageData(img, x, y);
}

function options() {
  return { digit: Number($("gen-class").value || 0), seed: Number($("gen-seed").value), truncation: Number($("gen-truncation").value),
           method: "pca", sliders: [...$("gen-sliders").querySelectorAll("input")].map((s) => Number(s.value)) };
}

let pending = null, busy = false;
async function draw() { // the newest settings win while a drag is drawn
  pending = options();
  if (busy || !current) return;
  busy = true;
  try {
    while (pending) {
      const o = pending, d = current, t0 = performance.now();
      pending = null;
      try {
        const canvas = $("gen-image");
        canvas.width = canvas.height = d.size;
        paint(canvas, await d.render(o), d);
        $("gen-time").textContent = `drawn in ${(performance.now() - t0).toFixed(1)} ms, on this device`;
      } catch (e) { $("gen-time").textContent = `⚠️ ${e.message}`; }
    }
  } finally { busy = false; }
}

async function grid() { // a row per class (one row when unconditional), eight seeds from this one
  const d = current, { seedLatent } = await import("./seeds.js"), n = d.meta.latent_dim;
  const rows = d.meta.conditional ? d.meta.num_classes : 1, cols = 8, z = seedLatent(Number($("gen-seed").value), cols * n);
  const items = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    items.push({ digit: r, latent: z.slice(c * n, (c + 1) * n), truncation: Number($("gen-truncation").value) });
  }
  const images = await d.batch(items), s = d.size, canvas = $("gen-grid");
  canvas.width = cols * s; canvas.height = rows * s;
  canvas.style.width = `${Math.min(480, cols * s * 2)}px`;
  images.forEach((img, i) => paint(canvas, img, d, (i % cols) * s, Math.floor(i / cols) * s));
}

async function choose(k) {
  const g = list[k];
  $("gen-about").textContent = "Loading…";
  current = await Digits.load(new URL(`${g.folder}/`, new URL("generators/", models)));
  const names = g.classes.length ? g.classes : [...Array(current.meta.num_classes).keys()].map(String);
  $("gen-class").replaceChildren(...(current.meta.conditional ? names : ["(one set, no classes)"]).map((name, i) => new Option(name, i)));
  $("gen-class").disabled = !current.meta.conditional;
  $("gen-sliders").replaceChildren(...current.directions("pca").slice(0, SLIDERS).map((dir, i) =>
    sliderField(i, dir.label, current.meta.slider_range, draw, "gen")));
  $("gen-about").textContent = `${current.size} × ${current.size} pixels, ${current.meta.channels === 3 ? "colour" : "grey"}` +
    (current.meta.conditional ? `, ${current.meta.num_classes} classes` : "");
  await draw();
}

export async function startGenerate() {
  const r = await fetch(new URL("generators.json", models));
  if (!r.ok) return; // a build with no --generator: the tab stays hidden
  list = await r.json();
  if (!list.length) return;
  $("tab-generate").hidden = false;
  $("gen-model").replaceChildren(...list.map((g, k) => new Option(g.name, k)));
  $("gen-model").addEventListener("change", () => choose(Number($("gen-model").value)));
  shows($("gen-truncation"), $("gen-truncation-value"), (v) => v.toFixed(2));
  for (const id of ["gen-class", "gen-seed"]) $(id).addEventListener("change", draw);
  $("gen-truncation").addEventListener("input", draw);
  $("gen-randomise").addEventListener("click", () => { $("gen-seed").value = Math.floor(Math.random() * 2 ** 31); draw(); });
  $("gen-reset").addEventListener("click", () => $("gen-sliders").querySelectorAll("input").forEach((s) => {
    s.value = 0; s.dispatchEvent(new Event("input"));
  }));
  $("gen-grid-btn").addEventListener("click", grid);
  await choose(0);
}
