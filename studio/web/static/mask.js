// The Style tab's mask: the photo drawn small with a brush layer over it. Where the layer is brushed the
// painting's style goes, elsewhere the photo stays (studio.style.tensors.mask_tensor: a brush layer's alpha).
const PREVIEW = 480; // the preview's long side, in canvas pixels
const SHOWN = 0.55; // the brush's opacity on screen: a brushed pixel's alpha is this, and means "all style"

export class Mask {
  constructor(photoCanvas, brushCanvas, brushSize, onStroke) {
    Object.assign(this, { photoCanvas, brushCanvas, brushSize, onStroke, brushed: false });
    const ctx = brushCanvas.getContext("2d");
    let down = false;
    const at = (e) => {
      const r = brushCanvas.getBoundingClientRect();
      return [(e.clientX - r.left) * brushCanvas.width / r.width, (e.clientY - r.top) * brushCanvas.height / r.height];
    };
    brushCanvas.addEventListener("pointerdown", (e) => {
      if (!brushCanvas.width) return;
      down = true;
      brushCanvas.setPointerCapture(e.pointerId);
      Object.assign(ctx, { lineWidth: Number(brushSize.value) * brushCanvas.width / PREVIEW, lineCap: "round",
                           lineJoin: "round", strokeStyle: `rgba(234, 88, 12, ${SHOWN})` });
      ctx.beginPath(); ctx.moveTo(...at(e)); ctx.lineTo(...at(e)); ctx.stroke();
    });
    brushCanvas.addEventListener("pointermove", (e) => { if (down) { ctx.lineTo(...at(e)); ctx.stroke(); } });
    const end = () => { if (down) { down = false; this.brushed = true; onStroke(); } };
    brushCanvas.addEventListener("pointerup", end);
    brushCanvas.addEventListener("pointercancel", end);
  }

  async photo(blob) { // a new photo: its preview, and a clean layer of the same shape
    const bitmap = await createImageBitmap(blob), scale = Math.min(1, PREVIEW / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
    for (const c of [this.photoCanvas, this.brushCanvas]) { c.width = w; c.height = h; }
    this.photoCanvas.getContext("2d").drawImage(bitmap, 0, 0, w, h);
    this.brushed = false;
  }

  clear() {
    this.brushCanvas.getContext("2d").clearRect(0, 0, this.brushCanvas.width, this.brushCanvas.height);
    this.brushed = false;
  }

  // The layer's alpha at w × h (0..255, one byte a pixel, bilinear as the server's resize), or null if unbrushed.
  alpha(w, h) {
    if (!this.brushed) return null;
    const c = new OffscreenCanvas(w, h), ctx = c.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(this.brushCanvas, 0, 0, w, h);
    const rgba = ctx.getImageData(0, 0, w, h).data, out = new Uint8ClampedArray(w * h);
    for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i + 3] / SHOWN; // clamped to 255; soft at the edges
    return out;
  }
}
