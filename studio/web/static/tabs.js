// The page's tabs, as the ARIA pattern has them: click or arrow keys, the chosen tab alone in the Tab order.
// A module of its own with no imports, so the tabs answer at once, while the runtime and the models still load.
const tabs = [...document.querySelectorAll('nav [role="tab"]')];
function pick(tab) {
  for (const t of tabs) {
    t.setAttribute("aria-selected", t === tab);
    t.tabIndex = t === tab ? 0 : -1;
    document.getElementById(t.dataset.tab).classList.toggle("shown", t === tab);
  }
}
tabs.forEach((t) => t.addEventListener("click", () => pick(t)));
document.querySelector("nav").addEventListener("keydown", (e) => {
  const shown = tabs.filter((t) => !t.hidden), at = shown.indexOf(document.activeElement);
  if (at < 0 || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
  const next = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: shown.length - 1 }[e.key];
  const tab = shown[(next + shown.length) % shown.length];
  tab.focus();
  pick(tab);
  e.preventDefault();
});

// If the studio's scripts cannot load or start (a lost connection on the first visit), say so rather than stay
// "Starting…": a module that fails to fetch fires "error" at its script, one that fails to start at the window.
const chip = document.getElementById("engine-chip");
window.addEventListener("error", (e) => {
  if (chip.dataset.state || !(e.target === window || e.target?.tagName === "SCRIPT")) return; // started, or an image
  chip.textContent = "The studio could not load: check the connection and reload the page";
  chip.dataset.state = "failed";
}, true);
