"""The Digits tab drawing in the browser: no request per drag, the server's digits, the server path
kept for pages that cannot draw."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from conftest import drag_slider

pytestmark = pytest.mark.browser
ENGINE_READY = "#digit-image[data-engine=browser]"  # set by digits_tab.js once the generator is loaded


def open_digits(page, url):
    page.goto(url)
    page.locator("#digit-image img").wait_for(timeout=60000)


def shown(page) -> np.ndarray:
    src = page.locator("#digit-image img").get_attribute("src")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("L"), np.int16)


def changed(page, before: str) -> None:
    page.wait_for_function("b => document.querySelector('#digit-image img').src !== b", arg=before, timeout=15000)


def test_a_drag_is_drawn_in_the_browser_with_no_request(app_url, page):
    open_digits(page, app_url)
    page.wait_for_selector(ENGINE_READY, timeout=180000)  # a fresh cache exports the generator first
    sent = []
    page.on("request", lambda r: sent.append(r.url))
    for a, b in [(0.5, 0.9), (0.9, 0.2)]:
        before = page.locator("#digit-image img").get_attribute("src")
        drag_slider(page, "#dir-slider-0", a, b)
        changed(page, before)
    before = page.locator("#digit-image img").get_attribute("src")
    page.locator("#digit-picker").get_by_label("7", exact=True).check()
    changed(page, before)
    page.wait_for_timeout(300)  # anything a drag would have sent has left by now
    assert sent == []
    assert "drawn in your browser" in page.locator("#digit-image img").get_attribute("alt")


# (controls as DigitStudio.image takes them, method key)
CASES = [
    dict(seed=42, digit=3, sliders=[1.5, 0, 0, 0, 0, 0, 0, 0], truncation=1.0, method="pca"),
    dict(seed=7, digit=5, blend_to=8, blend=0.3, sliders=[0, 0, -2.0, 0, 0, 0, 0, 0.75], truncation=0.7,
         method="sefa"),
    dict(seed=0, digit=1, latent="twin", sliders=[0, 0.5, 0, 0, 0, 0, 0, 0], truncation=0.9, method="pca"),
]


@pytest.mark.parametrize("case", CASES, ids=["slider", "blend-sefa", "twin"])
def test_browser_digits_equal_the_servers(app_url, page, case):
    """The page's own live path (digits_tab.js show) against the server's render on the same controls."""
    import torch

    from studio.digits import DigitStudio
    from studio.digits.directions import METHODS

    studio = DigitStudio.from_checkpoint("shipped")
    case = dict(case)
    if case.get("latent") == "twin":
        case["latent"] = torch.randn(studio.latent_dim, generator=torch.Generator().manual_seed(5)).tolist()
    expected = np.asarray(studio.image(**case).convert("L"), np.int16)

    open_digits(page, app_url)
    page.wait_for_selector(ENGINE_READY, timeout=180000)
    before = page.locator("#digit-image img").get_attribute("src")
    values = [str(case["digit"]), str(case.get("blend_to", "none")), case.get("blend", 0.5), case["seed"],
              case["truncation"], *case["sliders"], METHODS[case["method"]], case.get("latent")]
    drawn = page.evaluate("""async ([values, methods]) => {
      const web = JSON.parse(document.querySelector('#digit-web').innerText);
      const root = window.gradio_config.root + "/";
      const tab = await import(new URL("gradio_api/file=" + web.base + "/digits_tab.js", root).href);
      return tab.show([...values, web], web, methods);
    }""", [values, {v: k for k, v in METHODS.items()}])
    assert drawn is True
    changed(page, before)
    got = shown(page)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= 2  # within 2/255


def test_pages_without_webassembly_draw_on_the_server(app_url, page):
    page.add_init_script("delete window.WebAssembly")
    open_digits(page, app_url)
    sent = []
    page.on("request", lambda r: sent.append(r.url))
    before = page.locator("#digit-image img").get_attribute("src")
    drag_slider(page, "#dir-slider-0", 0.5, 0.9)
    changed(page, before)
    assert any("/gradio_api/run/predict" in u for u in sent)
    assert page.locator("#digit-image img").get_attribute("alt") == "generated digit 3"
    assert page.locator(ENGINE_READY).count() == 0


def test_values_the_browser_refuses_go_to_the_server(app_url, page):
    """The boxes stop most bad values themselves (-5, 4.5 in the seed); what still reaches the live
    path and the engine refuses (show() answers false) is drawn, or explained, by the server."""
    from studio.digits.directions import METHODS

    open_digits(page, app_url)
    page.wait_for_selector(ENGINE_READY, timeout=180000)
    good = ["3", "none", 0.5, 42, 1.0, *[0] * 8, METHODS["pca"], None]
    bad = {"seed": (3, -5), "truncation": (4, 7), "blend into": (1, "12"), "twin": (14, [0.5] * 3),
           "slider": (5, 1e9)}
    answers = page.evaluate("""async ([good, bad, methods]) => {
      const web = JSON.parse(document.querySelector('#digit-web').innerText);
      const tab = await import(new URL("gradio_api/file=" + web.base + "/digits_tab.js",
                                       window.gradio_config.root + "/").href);
      const out = {good: tab.show([...good, web], web, methods)};
      for (const [name, [i, v]] of Object.entries(bad)) {
        const values = [...good]; values[i] = v; out[name] = tab.show([...values, web], web, methods);
      }
      return out;
    }""", [good, bad, {v: k for k, v in METHODS.items()}])
    assert answers == {"good": True, **{name: False for name in bad}}


# Holds the server's answers to draws (requests carrying the tab's controls) for 2 s in the page.
SLOW_SERVER_DRAWS = """(() => {
  const fetch0 = window.fetch;
  window.fetch = async (url, init) => {
    let body = null;
    try { body = JSON.parse(init && init.body); } catch (e) {}
    const draw = String(url).includes("/run/predict") && body && Array.isArray(body.data) && body.data.length > 5;
    if (draw) window.serverDraws = (window.serverDraws || 0) + 1;
    const answer = await fetch0(url, init);
    if (draw) {
      await new Promise((r) => setTimeout(r, 2000));
      window.serverAnswers = (window.serverAnswers || 0) + 1;
    }
    return answer;
  };
})()"""


def test_a_late_server_answer_never_covers_a_newer_browser_drawing(app_url, page):
    """An empty seed goes to the server (which words the message); the next good seed is drawn in the
    browser at once. The server's answer for the empty seed lands after it and is stale: its line
    must not stay on screen, nor cover the newer drawing."""
    page.add_init_script(SLOW_SERVER_DRAWS)
    open_digits(page, app_url)
    page.wait_for_selector(ENGINE_READY, timeout=180000)
    page.wait_for_function("() => window.serverAnswers === window.serverDraws", timeout=15000)  # the first digit's
    asked = page.evaluate("() => window.serverDraws")
    seed = page.locator("#seed input")
    seed.fill("")
    seed.press("Enter")
    page.wait_for_function("n => window.serverDraws === n + 1", arg=asked, timeout=15000)  # the server was asked
    before = page.locator("#digit-image img").get_attribute("src")
    seed.fill("5")
    seed.press("Enter")
    changed(page, before)  # drawn in the browser while the server's answer is held
    assert page.evaluate("() => window.serverDraws - window.serverAnswers") == 1
    page.wait_for_function("() => window.serverAnswers === window.serverDraws", timeout=15000)
    page.wait_for_timeout(1500)  # whatever follows the late answer has landed
    assert page.locator("#digit-note").inner_text().strip() == ""
    assert "drawn in your browser" in page.locator("#digit-image img").get_attribute("alt")


def test_a_page_opened_during_a_cold_start_finds_the_engine_without_a_reload(page, tmp_path):
    """The first start exports the generator; a page that opened before that finished asks again."""
    from studio.core import paths
    from studio.ui.testing import serve_app
    from studio.web import runtime

    env = {"STUDIO_RUNS_DIR": str(tmp_path / "runs"), "STUDIO_CACHE_DIR": str(tmp_path / "cache")}
    kept = paths.cache_dir() / "onnxruntime-web" / f"onnxruntime-web-{runtime.VERSION}.tgz"
    if kept.is_file():  # this machine's verified copy: no second download
        env["STUDIO_ORT_TGZ"] = str(kept)
    with serve_app(env, log_path=tmp_path / "app.log") as (url, *_):
        open_digits(page, url)
        page.wait_for_function("() => document.querySelector('#digit-web') !== null")
        if page.locator(ENGINE_READY).count():
            pytest.skip("the engine was ready before the page first asked: no cold start to observe")
        page.wait_for_function("() => window.studioEngineAsks >= 1", timeout=30000)
        page.wait_for_selector(ENGINE_READY, timeout=130000)  # 12 asks, 10 s apart
        before = page.locator("#digit-image img").get_attribute("src")
        sent = []
        page.on("request", lambda r: sent.append(r.url))
        drag_slider(page, "#dir-slider-0", 0.5, 0.9)
        changed(page, before)
        page.wait_for_timeout(300)
        assert sent == []
