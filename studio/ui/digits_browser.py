"""The Digits tab's live path in the browser: the page's JavaScript events, where a page finds the
browser engine, and the check of what a page sends back. digits_tab.js (beside this module, served
by the app) draws; this module only wires."""

from __future__ import annotations

import json
from pathlib import Path

from studio.digits.directions import METHODS
from studio.digits.drawing import DrawingError
from studio.ui.state import VISITORS

BROWSER_JS = Path(__file__).with_name("digits_tab.js")  # the live path in the browser (served by the app)
MAX_TWIN = 1024  # numbers a twin latent sent back by a page may hold (it is checked in full after)

# The tab's browser module, served from the engine's folder (web.base) by the app.
_MODULE = """import(new URL("gradio_api/file=" + web.base + "/digits_tab.js",
    window.gradio_config && window.gradio_config.root ? window.gradio_config.root + "/" : document.baseURI).href)"""
# The live controls' event: drawn in the browser by the app's generator as ONNX (no request), or,
# where it cannot be (no WebAssembly, the engine still loading, a value to refuse, ?engine=server),
# by the server through the tab's hidden button. `web` (the last value) names the engine's files.
# Each event is numbered: a server answer that lands after a newer browser drawing is stale (AFTER_SERVER_JS).
LIVE_JS = """async (...values) => {
  const web = values[values.length - 1];
  const seq = (window.studioDigitSeq = (window.studioDigitSeq || 0) + 1);
  let drawn = false;
  if (web && typeof WebAssembly === "object" && !/[?&]engine=server/.test(location.search)) {
    try { drawn = (await %s).show(values, web, %s); } catch (e) { console.warn("Digits in the browser are off:", e); }
  }
  if (!drawn) {
    window.studioServerSeq = seq;
    document.querySelector("#digit-server-draw").click();
  } else {
    window.studioBrowserSeq = seq;
    if (document.querySelector("#digit-note")?.innerText.trim()) document.querySelector("#digit-note-clear").click();
  }
}""" % (_MODULE, json.dumps({v: k for k, v in METHODS.items()}))
# After the server's answer: if the browser drew a newer value meanwhile, the answer (a picture, or a
# refused value's line) is stale, so the browser's drawing goes back in view and the line goes.
AFTER_SERVER_JS = """async () => {
  if ((window.studioBrowserSeq || 0) <= (window.studioServerSeq || 0)) return;
  try { (await %s).repaint(); } catch (e) { console.warn("Digits in the browser are off:", e); }
  if (document.querySelector("#digit-note")?.innerText.trim()) document.querySelector("#digit-note-clear").click();
}""" % _MODULE
# On page load: start loading the engine while the person looks at the first (server-drawn) digit.
# No engine yet: a cold start is still exporting the generator (up to a minute), so the page asks
# again every 10 s, 12 times at most, through the tab's hidden button; it draws on the server meanwhile.
ENGINE_ASKS, ENGINE_ASK_MS = 12, 10000
PRELOAD_JS = """(web) => {
  if (typeof WebAssembly !== "object" || /[?&]engine=server/.test(location.search)) return;
  if (web) {
    %s.then((tab) => tab.preload(web), (e) => console.warn("Digits in the browser are off:", e));
  } else if ((window.studioEngineAsks = (window.studioEngineAsks || 0) + 1) <= %d) {
    setTimeout(() => document.querySelector("#digit-engine-ask")?.click(), %d);
  }
}""" % (_MODULE, ENGINE_ASKS, ENGINE_ASK_MS)

# The sketchpad starts with no tool chosen ("select the draw tool to start"), and Clear canvas leaves it so;
# a person who came to draw should not have to find the brush first, nor again after clearing.
PICK_BRUSH = """() => {
  let tries = 0;
  const pick = () => {
    const brush = document.querySelector('#digit-sketch button[aria-label="Brush"]');
    if (brush) brush.click(); else if (tries++ < 50) setTimeout(pick, 200);
  };
  pick();
}"""


def browser_engine():
    """Where this visitor's page finds the browser engine for their generator, or None (the server draws)."""
    from studio.ui.state import BROWSER_DIGITS

    return BROWSER_DIGITS.info(VISITORS.generator().studio)


def page_latent(value):
    """The twin's latent as the page sent it back (it lives in the page, so the browser can draw it):
    None, or a flat list of numbers short enough to check (DigitStudio checks length and values)."""
    if value in (None, "", []):
        return None
    if not isinstance(value, list) or len(value) > MAX_TWIN or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise DrawingError("the twin's latent must be a list of numbers: draw the digit again")
    return value
