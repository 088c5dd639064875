// The static studio's page: what runs (the chip), the first visit's download bar, then each tab's module
// (page_digits.js, page_style.js, page_live.js, page_generate.js). The tabs work before it runs (tabs.js).
import { describe, downloads } from "./engine.js";
import { startDigits } from "./page_digits.js";
import { startGenerate } from "./page_generate.js";
import { startLive } from "./page_live.js";
import { startStyle } from "./page_style.js";

const $ = (id) => document.getElementById(id);

// The first visit downloads the runtime and the models once; the bar says how far it is.
const MB = (n) => (n / 1e6).toFixed(1);
downloads.addEventListener("progress", ({ loaded, total }) => {
  $("download").hidden = false;
  $("download").querySelector(".bar span").style.width = `${(100 * loaded) / total}%`;
  $("download").querySelector(".bar").setAttribute("aria-valuenow", Math.round((100 * loaded) / total));
  $("download-label").textContent = `Getting the models ready: ${MB(loaded)} of ${MB(total)} MB (kept for your next visit)`;
});
downloads.addEventListener("done", () => { $("download").hidden = true; });

function ready() {
  $("engine-chip").textContent = `Runs on this device: ${describe()}`;
  $("engine-chip").dataset.state = "ready";
}

// Offline on the next visit: the service worker keeps the site's files (sw.js).
if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => { /* e.g. a file:// page */ });

startStyle();
startLive();
startGenerate().catch((e) => console.warn("Generate:", e));
startDigits().then(ready, (e) => {
  $("digits-status").textContent = `⚠️ ${e.message}`;
  $("engine-chip").textContent = "The models could not start in this browser";
  $("engine-chip").dataset.state = "failed";
});
