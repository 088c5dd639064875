// The Style tab: a photo (drop zone or an example), up to three paintings mixed by weight (the bundled
// ones and your own, kept for your next visit), strength, the photo's colours, size, and a painted mask.
// Every change repaints, the newest settings winning; the result stays in view (studio.css).
import { describe } from "./engine.js";
import { dropZone, pasted } from "./dropzone.js";
import { shows } from "./page_digits.js";
import { Mask } from "./mask.js";
import { masked, mixCodes, STYLE_SIZE } from "./style.js";
import { engines, pixels, toPng } from "./studio.js";

const $ = (id) => document.getElementById(id);
const MAX_PAINTINGS = 3, MINE = "studio-mine", MAX_MINE = 6;
export const art = { photo: null, photoKey: null, mix: [] }; // mix: [{key, name, blob, url, weight}]
const gallery = new Map(); // key -> {key, name, url, blob()} for every painting on offer
let picked = 0, mask = null;

// A picture the browser cannot open gets one plain line beside its control.
async function openable(file) {
  try { (await createImageBitmap(file)).close(); return true; } catch { return false; }
}
const NOT_A_PICTURE = "That file is not a picture this browser can open: choose a JPEG, PNG or WebP.";

async function choosePhoto(blob, name) {
  $("photo-note").textContent = "";
  if (!(await openable(blob))) { $("photo-note").textContent = NOT_A_PICTURE; return; }
  art.photo = blob;
  art.photoKey = `photo-${++picked}`;
  $("photo-thumb").src = URL.createObjectURL(blob);
  $("photo-what").textContent = `Photo: ${name}`;
  document.querySelectorAll("#photo-examples .thumb").forEach((t) => t.setAttribute("aria-pressed", t.dataset.name === name));
  await mask.photo(blob);
  repaint();
}

function thumb(name, url, onClick) {
  const b = Object.assign(document.createElement("button"), { className: "thumb", type: "button" });
  b.dataset.name = name;
  b.setAttribute("aria-pressed", "false");
  b.append(Object.assign(document.createElement("img"), { src: url, alt: "", loading: "lazy" }), name);
  b.addEventListener("click", onClick);
  return b;
}

// ---- Paintings: the gallery, and the mix (up to three, each with a weight) ------------------------
function offer(item, first = false) {
  gallery.set(item.key, item);
  const t = thumb(item.name, item.url, () => toggle(item.key));
  t.dataset.key = item.key;
  $("painting-examples")[first ? "prepend" : "append"](t);
}

async function toggle(key) {
  $("painting-note").textContent = "";
  const at = art.mix.findIndex((p) => p.key === key);
  if (at >= 0) art.mix.splice(at, 1);
  else if (art.mix.length >= MAX_PAINTINGS) {
    $("painting-note").textContent = "Three paintings at most: take one out of the mix first.";
    return;
  } else {
    const item = gallery.get(key);
    art.mix.push({ ...item, blob: await item.blob(), weight: 1 });
  }
  showMix();
  repaint();
}

function showMix() {
  document.querySelectorAll("#painting-examples .thumb").forEach((t) =>
    t.setAttribute("aria-pressed", art.mix.some((p) => p.key === t.dataset.key)));
  $("mix").replaceChildren(...art.mix.map((p) => {
    const row = Object.assign(document.createElement("div"), { className: "part" });
    const weight = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 1, step: 0.05, value: p.weight });
    weight.setAttribute("aria-label", `Weight of ${p.name}`);
    const out = document.createElement("output");
    shows(weight, out, (v) => `${p.name}: ${Math.round(100 * v)} %`);
    weight.addEventListener("input", () => { p.weight = Number(weight.value); repaint(); });
    const cell = document.createElement("div");
    cell.append(out, weight);
    const drop = Object.assign(document.createElement("button"), { className: "btn", type: "button", textContent: "✕" });
    drop.setAttribute("aria-label", `Take ${p.name} out of the mix`);
    drop.addEventListener("click", () => toggle(p.key));
    row.append(Object.assign(document.createElement("img"), { src: p.url, alt: "" }), cell, drop);
    return row;
  }));
}

// Your own paintings: added to the gallery and kept (Cache Storage) for the next visit, newest first.
async function addMine(blob, name, keep = true) {
  $("painting-note").textContent = "";
  if (!(await openable(blob))) { $("painting-note").textContent = NOT_A_PICTURE; return; }
  const key = `mine-${++picked}`;
  offer({ key, name, url: URL.createObjectURL(blob), blob: async () => blob }, true);
  if (keep && "caches" in self) {
    try {
      const kept = await caches.open(MINE);
      await kept.put(`mine/${Date.now()}/${encodeURIComponent(name)}`, new Response(blob));
      const all = await kept.keys();
      for (const old of all.slice(0, Math.max(0, all.length - MAX_MINE))) await kept.delete(old);
    } catch { /* private windows may refuse storage: the painting still works this visit */ }
  }
  if (keep) await toggle(key); // a painting just given joins the mix (or the note says the mix is full)
}

async function restoreMine() {
  if (!("caches" in self)) return;
  const kept = await caches.open(MINE);
  for (const request of await kept.keys()) {
    const name = decodeURIComponent(request.url.split("/").pop());
    await addMine(await (await kept.match(request)).blob(), name, false);
  }
}

// ---- Painting -------------------------------------------------------------------------------------
let busy = false, again = false;
export async function repaint() { // one painting at a time; settings changed meanwhile paint next
  if (!art.photo || !art.mix.length) return;
  if (busy) { again = true; return; }
  busy = true;
  try {
    do { again = false; await paint(); } while (again);
  } finally { busy = false; }
}

export async function paintingCode(s) {
  if (!art.mix.length) throw new Error("choose a painting first");
  const codes = [];
  for (const p of art.mix) codes.push(await s.code(await pixels(p.blob, STYLE_SIZE), p.key));
  return mixCodes(codes, art.mix.map((p) => p.weight));
}

async function paint() {
  const status = $("style-status");
  try {
    if (!art.photo) throw new Error("choose a photo first");
    status.textContent = "Painting…";
    const t0 = performance.now(), s = await engines.style(), strength = Number($("strength").value);
    const code = await paintingCode(s);
    const photoCode = strength < 1 ? await s.code(await pixels(art.photo, STYLE_SIZE), `${art.photoKey}-own`) : null;
    const size = Number($("size").value), photo = await pixels(art.photo, size);
    let out = await s.paint(photo, code, { strength, keepColours: $("keep").checked, photoCode, photoKey: `${art.photoKey}-${size}` });
    const alpha = mask.alpha(out.width, out.height);
    if (alpha) out = masked(out, photo, alpha);
    const canvas = $("style-result");
    canvas.width = out.width; canvas.height = out.height;
    canvas.getContext("2d").putImageData(out, 0, 0);
    canvas.dataset.paints = Number(canvas.dataset.paints || 0) + 1; // for tests: paintings shown so far
    canvas.dataset.masked = Boolean(alpha);
    $("style-placeholder").hidden = true;
    const link = $("download-png");
    URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(await toPng(out));
    link.hidden = false;
    status.textContent = `Painted ${out.width} × ${out.height} in ${((performance.now() - t0) / 1000).toFixed(2)} s, ` +
                         `on this device (${describe()})`;
  } catch (e) { status.textContent = `⚠️ ${e.message}`; }
}

async function examples() { // the site's example pictures (examples/examples.json), with their credits
  let list;
  try { list = await (await fetch("examples/examples.json")).json(); } catch { return; } // a site built without examples
  const blob = (p) => async () => (await fetch(`examples/${p.file}`)).blob();
  $("photo-examples").replaceChildren(...list.pictures.filter((p) => p.role === "photo").map((p) =>
    thumb(p.name, `examples/${p.file}`, async () => choosePhoto(await blob(p)(), p.name))));
  for (const p of list.pictures.filter((q) => q.role === "painting")) {
    offer({ key: `example-${p.file}`, name: p.name, url: `examples/${p.file}`, blob: blob(p) });
  }
  $("credits").replaceChildren(...(list.credit_lines || [list.credits]).map((line) =>
    Object.assign(document.createElement("li"), { textContent: line })));
}

export function startStyle() {
  mask = new Mask($("mask-photo"), $("mask"), $("brush"), repaint);
  dropZone($("photo-drop"), (f) => choosePhoto(f, f.name || "pasted picture"));
  dropZone($("painting-drop"), (f) => addMine(f, f.name || "pasted painting"));
  $("style").addEventListener("paste", (e) => { const f = pasted(e); if (f) choosePhoto(f, "pasted picture"); });
  shows($("strength"), $("strength-value"), (v) => `${Math.round(100 * v)} %`);
  $("paint").addEventListener("click", repaint);
  for (const id of ["strength", "keep", "size"]) $(id).addEventListener("change", repaint);
  $("mask-clear").addEventListener("click", () => { mask.clear(); repaint(); });
  examples().then(restoreMine).catch((e) => console.warn("examples:", e));
}
