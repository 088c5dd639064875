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

// `models`: the folder holding the files (a site's models/; the app names one per generator). Sessions
// are created one after another: the WebGPU provider refuses a second while one is being created.
let creating = Promise.resolve();
export function session(file, models = new URL("models/", here), backend = "wasm") {
  const providers = backend === "webgpu" ? ["webgpu", "wasm"] : ["wasm"];
  const next = creating.then(() => ort.InferenceSession.create(new URL(file, models).href,
    { executionProviders: providers, graphOptimizationLevel: "all" }));
  creating = next.catch(() => {});
  return next;
}

export async function json(file, models = new URL("models/", here)) {
  const r = await fetch(new URL(file, models));
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
  return r.json();
}
