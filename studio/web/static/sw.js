// The static studio offline: the first visit keeps the site's files (the page, the runtime, the models, the
// examples), so a second visit opens and works with no network. The WebGPU build of the runtime is kept
// when it is first used. studio/web/site.py writes the build's id and file list below; a new build's
// worker drops the older caches.
const BUILD = "dev";
const FILES = [];
const CACHE = `studio-${BUILD}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(["./", ...FILES])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // older builds' caches go; "studio-mine" holds the visitor's own paintings (page_style.js) and stays
    for (const key of await caches.keys()) if (key !== CACHE && key !== "studio-mine") await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(event.request, { ignoreSearch: true });
    if (kept) return kept;
    const response = await fetch(event.request);
    if (response.status === 200) await cache.put(event.request, response.clone());
    return response;
  })());
});
