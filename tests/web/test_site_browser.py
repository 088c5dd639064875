"""The static studio in headless Chromium: the same digits as the server, the same paintings as the
float32 path, and no request to anywhere but the local server (every other one is blocked)."""

import base64
import io
import threading

import numpy as np
import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    from studio.web.site import build_site, server

    site = tmp_path_factory.mktemp("site")
    build_site(site)
    httpd = server(site, port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture
def local_page(browser, site_url):
    """A page that may reach the local server only: anything else is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.elsewhere, page.requests = [], []

    def route(r):
        page.requests.append((r.request.method, r.request.url, r.request.post_data_buffer))
        if r.request.url.startswith(site_url):
            return r.continue_()
        page.elsewhere.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.goto(site_url)
    page.wait_for_function("() => document.querySelector('#digit-time').innerText.includes('drawn in')",
                           timeout=60000)
    yield page
    context.close()


CASES = [dict(digit=3, seed=42), dict(digit=7, seed=0, truncation=0.6),
         dict(digit=1, seed=2**31 - 1, sliders=[2.0, -1.5, 0, 0.75]),
         dict(digit=4, seed=9, blend_to=9, blend=0.3, method="sefa", sliders=[0, 1.0])]


def test_browser_digits_equal_the_servers(local_page):
    from studio.digits import DigitStudio

    studio = DigitStudio.from_checkpoint("shipped")
    for case in CASES:
        js = {("blendTo" if k == "blend_to" else k): v for k, v in case.items()}
        got = local_page.evaluate("async (o) => { const d = await window.studio.digit(o); "
                                  "return {w: d.width, data: Array.from(d.data)}; }", js)
        want = np.asarray(studio.image(**case), np.int16)
        browser = np.array(got["data"], np.int16).reshape(got["w"], got["w"])
        assert np.abs(browser - want).max() <= 2, case
    assert local_page.elsewhere == []


def _png(img: Image.Image) -> str:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_browser_style_matches_the_float32_path(local_page, photos, paintings):
    import torch

    from studio.style.tensors import fit, to_image, to_tensor
    from studio.style.weights import load_microast
    from studio.web.export_style import psnr

    model = load_microast()
    for photo_path, painting_path in ((photos[0], paintings[0]), (photos[1], paintings[1])):
        # identical inputs: sides already multiples of 4 and within the sizes asked, so no resizing
        photo = fit(Image.open(photo_path).convert("RGB"), 384)
        photo = photo.crop((0, 0, photo.width // 4 * 4, photo.height // 4 * 4))
        art = fit(Image.open(painting_path).convert("RGB"), 512)
        art = art.crop((0, 0, art.width // 4 * 4, art.height // 4 * 4))
        got = local_page.evaluate("""async ([p, s]) => {
            const blob = async (b64) => (await fetch(`data:image/png;base64,${b64}`)).blob();
            const out = await window.studio.stylize(await blob(p), await blob(s), {maxSide: 512});
            const bytes = new Uint8Array(await out.arrayBuffer());
            let text = ""; for (const b of bytes) text += String.fromCharCode(b);
            return btoa(text); }""", [_png(photo), _png(art)])
        browser = np.asarray(Image.open(io.BytesIO(base64.b64decode(got))).convert("RGB"), np.float32) / 255
        with torch.no_grad():
            want = model.decode(model.encode_content(to_tensor(photo)), model.encode_style(to_tensor(art)))
        reference = np.asarray(to_image(want[..., :photo.height, :photo.width]), np.float32) / 255
        assert browser.shape == reference.shape
        assert psnr(browser, reference) >= 40
    assert local_page.elsewhere == []


def test_no_request_leaves_the_page_with_a_picture(local_page, photos, paintings):
    """Paint through the page's own controls: every request is a GET of the site's own files."""
    local_page.get_by_role("tab", name="Style").click()
    local_page.set_input_files("#photo", str(photos[0]))
    local_page.set_input_files("#painting", str(paintings[0]))
    local_page.locator("#paint").click()
    local_page.wait_for_function("() => document.querySelector('#style-status').innerText.includes('Painted')",
                                 timeout=120000)
    assert local_page.elsewhere == []
    assert all(method == "GET" and not body for method, _, body in local_page.requests)
