// onnxruntime-web, loaded from this site's own ort/ folder (never a CDN): threads where the page
// is cross-origin isolated, one thread otherwise.
import * as ort from "./ort/ort.wasm.min.mjs";

const here = new URL(".", import.meta.url);
ort.env.wasm.wasmPaths = new URL("ort/", here).href;
const asked = Number(new URLSearchParams(self.location?.search || "").get("threads")); // ?threads=1: for comparisons
ort.env.wasm.numThreads = self.crossOriginIsolated ? (asked || Math.min(4, navigator.hardwareConcurrency || 1)) : 1;

// Inference in a worker of its own: a 2048 px painting never freezes the page.
ort.env.wasm.proxy = true;

export { ort };

// The build's file names (studio/web/files.py names them for the exporter).
export const FILES = {
  generator: "generator.onnx", meta: "generator.web.json", encoder: "encoder.onnx",
  style: "style_encoder.onnx", content: "content_encoder.onnx", decoder: "decoder.onnx",
};

export function threads() {
  return ort.env.wasm.numThreads;
}

// `models`: the folder holding the files (a site's models/; the app names one per generator).
export async function session(file, models = new URL("models/", here)) {
  return ort.InferenceSession.create(new URL(file, models).href,
                                     { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
}

export async function json(file, models = new URL("models/", here)) {
  const r = await fetch(new URL(file, models));
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
  return r.json();
}
