// onnxruntime-web, loaded from this site's own ort/ folder (never a CDN). Where the browser finds a WebGPU
// adapter, its WebGPU build (the WebGPU execution provider, WebAssembly for the rest); otherwise its
// WebAssembly build: threads where the page is cross-origin isolated, one thread otherwise.
// ?backend=wasm keeps to WebAssembly; ?threads=1 sets the threads (for comparisons).
const here = new URL(".", import.meta.url);
const asked = new URLSearchParams(self.location?.search || "");
let adapter = asked.get("backend") === "wasm" ? null : await findAdapter();
const ort = await load();

async function load() {
  if (adapter) {
    try {
      return await import("./ort/ort.webgpu.min.mjs");
    } catch { // offline before the WebGPU build was ever kept (sw.js): WebAssembly still paints
      adapter = null;
    }
  }
  return import("./ort/ort.wasm.min.mjs");
}

ort.env.wasm.wasmPaths = new URL("ort/", here).href;
ort.env.wasm.numThreads = self.crossOriginIsolated ? (Number(asked.get("threads")) || Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
// WebAssembly inference in a worker of its own, so a 2048 px painting never freezes the page (the WebGPU
// build runs on the GPU's queue instead, and its provider does not run in that worker).
ort.env.wasm.proxy = !adapter;

export { ort };

async function findAdapter() {
  try {
    return (await navigator.gpu?.requestAdapter()) || null;
  } catch {
    return null;
  }
}

export const BACKENDS = adapter ? ["webgpu", "wasm"] : ["wasm"];

// What runs: {backend, adapter, f16, threads}. `adapter` names the GPU as the browser reports it; `f16` is
// whether it has shader-f16 (the exported models compute in float32 either way).
export function info() {
  const a = adapter?.info || {};
  const name = [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(" ");
  return { backend: BACKENDS[0], adapter: adapter ? name || "a WebGPU adapter" : null,
           f16: Boolean(adapter?.features?.has("shader-f16")), threads: ort.env.wasm.numThreads,
           software: Boolean(adapter && (/swiftshader/i.test(name) || a.isFallbackAdapter || adapter.isFallbackAdapter)) };
}

// In plain words, for the page: "WebGPU on SwiftShader (software)", "WebAssembly, 2 threads".
export function describe() {
  const i = info();
  if (i.backend === "wasm") return `WebAssembly, ${i.threads} thread${i.threads === 1 ? "" : "s"}`;
  return `WebGPU on ${/swiftshader/i.test(i.adapter) ? "SwiftShader" : i.adapter}${i.software ? " (software)" : ""}`;
}

export function checkBackend(backend) {
  if (backend == null) return BACKENDS[0];
  if (!["webgpu", "wasm"].includes(backend)) throw new RangeError('backend must be "webgpu" or "wasm"');
  if (!BACKENDS.includes(backend)) throw new Error("WebGPU is not available in this browser: use \"wasm\"");
  return backend;
}

// The build's file names (studio/web/files.py names them for the exporter).
export const FILES = {
  generator: "generator.onnx", meta: "generator.web.json", encoder: "encoder.onnx",
  style: "style_encoder.onnx", content: "content_encoder.onnx", decoder: "decoder.onnx",
};

export function threads() {
  return ort.env.wasm.numThreads;
}

// Downloads in flight, for the page's progress bar: "progress" events carry {loaded, total} bytes over
// every file being fetched (the runtime's WebAssembly and the models), "done" when none is left.
export const downloads = new EventTarget();
const flight = new Map();
function report(url, loaded, total) {
  flight.set(url, [loaded, total]);
  let sum = 0, all = 0;
  for (const [l, t] of flight.values()) { sum += Math.min(l, t || l); all += t || l; }
  downloads.dispatchEvent(Object.assign(new Event("progress"), { loaded: sum, total: all }));
  if ([...flight.values()].every(([l, t]) => t && l >= t)) {
    flight.clear();
    downloads.dispatchEvent(new Event("done"));
  }
}

// A file's bytes, read as they arrive so the page can show how far the download is.
export async function bytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url.split("/").pop()}: HTTP ${r.status}`);
  const total = Number(r.headers.get("content-length")) || 0;
  if (!r.body || !total) return new Uint8Array(await r.arrayBuffer());
  const reader = r.body.getReader(), parts = [];
  let loaded = 0;
  report(url, 0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    report(url, Math.min(loaded, total - 1), total); // "done" waits for the end (a compressed body may run over)
  }
  report(url, total, total);
  const out = new Uint8Array(loaded);
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

// The runtime's WebAssembly (14 MB), fetched here so its download shows on the progress bar; handed to the
// runtime, which then skips its own fetch.
let runtimeReady = null;
function runtime() {
  const file = adapter ? "ort-wasm-simd-threaded.asyncify.wasm" : "ort-wasm-simd-threaded.wasm";
  runtimeReady ??= bytes(new URL(`ort/${file}`, here).href).then((b) => { ort.env.wasm.wasmBinary = b; });
  return runtimeReady;
}

// `models`: the folder holding the files (a site's models/; the app names one per generator). Sessions
// are created one after another: the WebGPU provider refuses a second while one is being created.
let creating = Promise.resolve();
export function session(file, models = new URL("models/", here), backend = "wasm") {
  const providers = backend === "webgpu" ? ["webgpu", "wasm"] : ["wasm"];
  const model = bytes(new URL(file, models).href);
  const next = Promise.all([creating, runtime()]).then(async () => ort.InferenceSession.create(await model,
    { executionProviders: providers, graphOptimizationLevel: "all" }));
  creating = next.catch(() => {});
  return next;
}

export async function json(file, models = new URL("models/", here)) {
  const r = await fetch(new URL(file, models));
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
  return r.json();
}
