"""The static studio in headless Chromium: the same digits as the server, the same paintings as the
float32 path, and no request to anywhere but the local server (every other one is blocked)."""

import base64
import io
import numpy as np
import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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


def test_any_size_paints_at_the_servers_size_and_matches_it(local_page, photos, paintings):
    """A 512 x 341 photo and a painting of odd sides: the browser pads them as the server does (reflection to
    multiples of 4) and crops back, so the picture is 512 x 341 and agrees with the server's exact path."""
    import torch

    from studio.style.tensors import pad4, to_image, to_tensor
    from studio.style.weights import load_microast
    from studio.web.export_style import psnr

    model = load_microast()
    photo = Image.open(photos[0]).convert("RGB").resize((512, 341), Image.LANCZOS)
    art = Image.open(paintings[0]).convert("RGB").resize((301, 387), Image.LANCZOS)
    got = local_page.evaluate("""async ([p, s]) => {
        const blob = async (b64) => (await fetch(`data:image/png;base64,${b64}`)).blob();
        const out = await window.studio.stylize(await blob(p), await blob(s), {maxSide: 512});
        const bytes = new Uint8Array(await out.arrayBuffer());
        let text = ""; for (const b of bytes) text += String.fromCharCode(b);
        return btoa(text); }""", [_png(photo), _png(art)])
    browser = np.asarray(Image.open(io.BytesIO(base64.b64decode(got))).convert("RGB"), np.float32) / 255
    with torch.no_grad():
        want = model.decode(model.encode_content(pad4(to_tensor(photo))[0]), model.encode_style(pad4(to_tensor(art))[0]))
    reference = np.asarray(to_image(want[..., :341, :512]), np.float32) / 255
    assert browser.shape == reference.shape == (341, 512, 3)
    assert psnr(browser, reference) >= 40


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


def _stroke(page, points, box):
    x0, y0, size = box["x"], box["y"], box["width"]
    page.mouse.move(x0 + points[0][0] * size, y0 + points[0][1] * size)
    page.mouse.down()
    for x, y in points[1:]:
        for k in range(1, 5):  # several moves per segment, as a hand makes
            page.mouse.move(x0 + x * size, y0 + y * size, steps=2)
    page.mouse.up()


@pytest.mark.parametrize("digit", [1, 7, 0])
def test_a_drawn_digit_finds_its_twin_in_the_browser(local_page, digit):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "digits"))
    from mouse_drawings import DIGITS

    local_page.locator("summary", has_text="Draw a digit").click()
    box = local_page.locator("#sketch").bounding_box()
    for points in DIGITS[digit]:
        _stroke(local_page, [(0.15 + 0.7 * x, 0.15 + 0.7 * y) for x, y in points], box)
    local_page.locator("#twin-label").get_by_text(f"Looks like a {digit}").wait_for(timeout=30000)
    assert local_page.locator(f"#digit-picker input[value='{digit}']").is_checked()
    local_page.locator("#sketch-clear").click()
    local_page.locator("#twin-back").click()
    local_page.locator("#twin-label").get_by_text("Seed mode").wait_for(timeout=5000)
    assert local_page.elsewhere == []


def test_grid_and_interpolation_equal_the_servers(local_page):
    from studio.digits import DigitStudio

    studio = DigitStudio.from_checkpoint("shipped")
    local_page.locator("#seed").fill("5")
    local_page.locator("#grid-btn").click()
    local_page.locator("summary", has_text="Interpolate").click()
    local_page.locator("#frames").fill("6")
    local_page.locator("#interp-btn").click()
    local_page.wait_for_function("() => document.querySelector('#strip').width === 168 && "
                                 "document.querySelector('#grid').width === 280", timeout=30000)
    read = "(id) => Array.from(document.getElementById(id).getContext('2d').getImageData(0, 0, " \
           "document.getElementById(id).width, document.getElementById(id).height).data.filter((_, i) => i % 4 == 0))"
    grid = np.array(local_page.evaluate(read, "grid"), np.int16).reshape(280, 280)
    want = np.asarray(studio.grid(seed=5, columns=10), np.int16)
    # the server's grid has gutters between cells; compare cell by cell
    cells = [want[2 + r * 30:2 + r * 30 + 28, 2 + c * 30:2 + c * 30 + 28] for r in range(10) for c in range(10)] \
        if want.shape[0] > 280 else [want[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] for r in range(10) for c in range(10)]
    mine = [grid[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] for r in range(10) for c in range(10)]
    assert max(int(np.abs(a - b).max()) for a, b in zip(mine, cells)) <= 2
    strip = np.array(local_page.evaluate(read, "strip"), np.int16).reshape(28, 168)
    frames = studio.interpolate(5, 7, digit=3, frames=6)
    assert max(int(np.abs(strip[:, k * 28:(k + 1) * 28] - np.asarray(f, np.int16)).max())
               for k, f in enumerate(frames)) <= 2


def test_the_webcam_is_painted_in_the_browser(browser_with_camera, site_url):
    page = browser_with_camera.new_context().new_page()
    outside = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site_url)
               else (outside.append(r.request.url), r.abort()))
    page.goto(site_url)
    page.get_by_role("tab", name="Style").click()
    page.get_by_role("button", name="starry night").click()
    page.get_by_role("tab", name="Live").click()
    page.locator("#live-start").click()
    page.wait_for_function("() => /[1-9][0-9.]* fps painted at 256/.test(document.querySelector('#live-status').innerText)",
                           timeout=60000)
    page.locator("#live-stop").click()
    assert outside == []
    page.context.close()


@pytest.fixture(scope="module")
def browser_with_camera(tmp_path_factory, launch_chromium):
    """Chromium with its fake camera playing a moving test pattern."""
    from bench.web import y4m

    camera = tmp_path_factory.mktemp("camera") / "pattern.y4m"
    y4m(camera, frames=10)
    b = launch_chromium("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        f"--use-file-for-fake-video-capture={camera}")
    yield b
    b.close()


def test_a_kept_picture_is_encoded_once(local_page):
    """A second painting of the same photo with the same painting (another strength) runs neither
    encoder again: only the decoder, as the server's engine does."""
    counts = local_page.evaluate("""async () => {
        const { engines } = await import("./studio.js");
        const s = await engines.style(), n = { style: 0, content: 0 };
        for (const k of ["style", "content"]) { const run = s[k].run.bind(s[k]); s[k].run = (f) => (n[k]++, run(f)); }
        const photo = await (await fetch("examples/chelsea.jpg")).blob();
        const art = await (await fetch("examples/wave.jpg")).blob();
        await window.studio.stylize(photo, art, {maxSide: 256, strength: 0.5});
        const first = { ...n };
        await window.studio.stylize(photo, art, {maxSide: 256, strength: 0.8});
        return [first, n]; }""")
    first, after = counts
    assert first == {"style": 2, "content": 1}  # the painting's code, the photo's own code, the photo's features
    assert after == first


@pytest.fixture(scope="module")
def webgpu_browser(launch_chromium):
    """Chromium with WebGPU on SwiftShader, its software adapter: correct, far too slow to time."""
    b = launch_chromium("--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader")
    yield b
    b.close()


def _stylize_b64(page, photo, art, backend):
    return page.evaluate("""async ([p, s, backend]) => {
        const blob = async (b64) => (await fetch(`data:image/png;base64,${b64}`)).blob();
        const out = await window.studio.stylize(await blob(p), await blob(s), {maxSide: 128, backend});
        const bytes = new Uint8Array(await out.arrayBuffer());
        let text = ""; for (const b of bytes) text += String.fromCharCode(b);
        return btoa(text); }""", [_png(photo), _png(art), backend])


def test_with_a_webgpu_adapter_paintings_run_on_webgpu_and_agree_with_webassembly(webgpu_browser, site_url, photos,
                                                                                  paintings):
    from studio.web.export_style import psnr

    page = webgpu_browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.goto(site_url)
    page.wait_for_function("() => window.studio !== undefined", timeout=60000)
    info = page.evaluate("() => window.studio.info()")
    assert info["backend"] == "webgpu" and "swiftshader" in info["adapter"].lower() and info["software"], info
    assert info["f16"] is False  # SwiftShader has no shader-f16: the models compute in float32
    photo = Image.open(photos[0]).convert("RGB").resize((128, 85), Image.LANCZOS)
    art = Image.open(paintings[0]).convert("RGB").resize((96, 128), Image.LANCZOS)
    on = {b: np.asarray(Image.open(io.BytesIO(base64.b64decode(_stylize_b64(page, photo, art, b)))).convert("RGB"),
                        np.float32) / 255 for b in ("webgpu", "wasm")}
    assert on["webgpu"].shape == on["wasm"].shape == (85, 128, 3)
    assert psnr(on["webgpu"], on["wasm"]) >= 40
    digits = [page.evaluate("(b) => window.studio.digit({digit: 7, seed: 3, backend: b}).then((d) => Array.from(d.data))",
                            b) for b in ("webgpu", "wasm")]
    assert np.abs(np.array(digits[0], int) - np.array(digits[1], int)).max() <= 2
    page.get_by_role("tab", name="Style").click()  # small pictures: SwiftShader paints slowly
    for name, picture in (("photo", photo), ("painting", art)):
        page.locator(f"#{name}").set_input_files({"name": f"{name}.png", "mimeType": "image/png",
                                                  "buffer": base64.b64decode(_png(picture))})
    page.locator("#paint").click()
    page.get_by_text("WebGPU on SwiftShader (software)").wait_for(timeout=120000)


def test_without_a_webgpu_adapter_the_page_runs_webassembly_and_says_so(local_page, photos):
    info = local_page.evaluate("() => window.studio.info()")
    assert info["backend"] == "wasm" and info["adapter"] is None, info
    with pytest.raises(Exception, match="WebGPU is not available"):
        local_page.evaluate("() => window.studio.digit({digit: 1, backend: 'webgpu'})")
    local_page.get_by_role("tab", name="Style").click()
    local_page.get_by_role("button", name="starry night").click()
    local_page.locator("#photo").set_input_files(str(photos[0]))
    local_page.locator("#size").select_option("256")
    local_page.locator("#paint").click()
    local_page.get_by_text("WebAssembly, ").wait_for(timeout=60000)


def test_a_second_visit_opens_and_paints_offline(browser, site_url, photos, paintings):
    """The first visit's service worker keeps the site; offline (Chromium's network emulation), the page
    opens again, draws a digit and paints."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(site_url)
    page.evaluate("""() => new Promise((resolve) => navigator.serviceWorker.controller ? resolve(true)
        : navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true)))""")
    context.set_offline(True)
    page.reload()
    page.wait_for_function("() => window.studio !== undefined", timeout=60000)
    page.locator("#digit-time").get_by_text("drawn in").wait_for(timeout=60000)  # the page drew its first digit
    assert page.evaluate("() => window.studio.digit({digit: 4, seed: 1}).then((d) => d.data.length)") == 28 * 28
    photo = Image.open(photos[1]).convert("RGB").resize((96, 64), Image.LANCZOS)
    art = Image.open(paintings[1]).convert("RGB").resize((64, 64), Image.LANCZOS)
    painted = Image.open(io.BytesIO(base64.b64decode(_stylize_b64(page, photo, art, None))))
    assert painted.size == (96, 64)
    page.get_by_role("tab", name="Style").click()
    page.get_by_role("button", name="coffee").wait_for(timeout=10000)  # the examples' list came from the cache
    context.close()
