// The Live tab: the camera painted frame by frame in the style of the Style tab's mix.
import { describe } from "./engine.js";
import { paintingCode } from "./page_style.js";
import { engines, pixels } from "./studio.js";

const $ = (id) => document.getElementById(id);
let live = false;

async function start() {
  const status = $("live-status");
  if (live) return;
  try {
    const s = await engines.style(), code = await paintingCode(s).catch(() => {
      throw new Error("choose a painting on the Style tab first");
    });
    const video = $("camera");
    status.textContent = "Asking for the camera…";
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    await video.play();
    const times = [], out = $("live-out");
    live = true;
    $("live-placeholder").hidden = true;
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
  } catch (e) {
    live = false;
    status.textContent = e.name === "NotAllowedError" ? "⚠️ The camera was not allowed: allow it in the browser's address bar."
      : e.name === "NotFoundError" ? "⚠️ No camera was found on this device." : `⚠️ ${e.message}`;
  }
}

function stop() {
  live = false;
  const stream = $("camera").srcObject;
  if (stream) stream.getTracks().forEach((t) => t.stop());
  $("camera").srcObject = null;
  if ($("live-status").textContent.includes("fps")) $("live-status").textContent = "Stopped.";
}

export function startLive() {
  $("live-start").addEventListener("click", start);
  $("live-stop").addEventListener("click", stop);
}
