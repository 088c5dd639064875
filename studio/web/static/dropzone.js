// A drop zone: a <label class="drop"> around a file input takes a click (the file chooser), a drop, a paste
// (while it has focus, or anywhere on its tab for the photo) and Enter or Space; onFile gets the file.
export function dropZone(zone, onFile) {
  const input = zone.querySelector("input[type=file]");
  const take = (file) => { if (file) onFile(file); };
  input.addEventListener("change", () => { take(input.files[0]); input.value = ""; });
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
  });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    take(e.dataTransfer.files[0]);
  });
  zone.addEventListener("paste", (e) => { e.stopPropagation(); take(pasted(e)); });
}

// The first picture on the clipboard of a paste event, or null.
export function pasted(e) {
  for (const item of e.clipboardData?.items || []) {
    if (item.kind === "file" && item.type.startsWith("image/")) return item.getAsFile();
  }
  return null;
}
