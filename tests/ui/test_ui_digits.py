"""The Digits tab through its public API (gradio_client) and in a real browser."""

import pytest
from gradio_client import Client

from conftest import drag_slider
from studio.ui.testing import draw_digit



@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def digit(client, **changes):
    """dirN=v moves slider N; other names are draw_digit's."""
    sliders = [0.0] * 8
    for k in [k for k in changes if k.startswith("dir")]:
        sliders[int(k[3:])] = changes.pop(k)
    return draw_digit(client, sliders=sliders, **changes)


def test_api_returns_an_image(client):
    html = digit(client)
    assert html.startswith('<img src="data:image/png;base64,')
    assert digit(client) == html  # deterministic
    assert digit(client, dir0=2.0) != html
    assert digit(client, seed=43) != html


@pytest.mark.parametrize("changes, message", [
    (dict(seed=-5), "seed must be between"),
    (dict(digit="12"), "not in the list of choices"),
    (dict(truncation=7), "truncation must be between"),
    (dict(dir0=1e9), "must be between"),
    (dict(seed="NaN"), "finite"),
    (dict(blend="lots", blend_to="8"), "blend must be a number"),
])
def test_api_bad_input_gives_message_and_keeps_serving(client, changes, message):
    with pytest.raises(Exception) as err:
        digit(client, **changes)
    assert message in str(err.value)
    assert digit(client).startswith("<img")  # still serving


def test_grid_and_interpolation(client):
    grid = client.predict(0, 1.0, api_name="/grid")
    assert grid  # a file path to the PNG the app made
    strip, anim, gif = client.predict("5", 1, 2, 8, 1.0, *[0.0] * 8, "PCA of the first layer (GANSpace)",
                                      api_name="/interpolate")
    assert anim.startswith('<img src="data:image/gif;base64,')
    if isinstance(gif, dict):  # the download slot is an update that also makes it visible
        assert gif.get("visible") is True
        gif = gif.get("value", gif)
        gif = gif["path"] if isinstance(gif, dict) else gif
    assert str(gif).endswith(".gif")


@pytest.mark.browser
def test_dragging_a_slider_changes_the_digit(app_url, page):
    page.goto(app_url)
    img = page.locator("#digit-image img")
    img.wait_for(timeout=60000)
    before = img.get_attribute("src")
    drag_slider(page, "#dir-slider-0", 0.5, 0.9)
    page.wait_for_function("before => document.querySelector('#digit-image img').src !== before", arg=before,
                           timeout=15000)
    assert img.get_attribute("src") != before
    # and picking another digit redraws it too
    after_drag = img.get_attribute("src")
    page.locator("#digit-picker").get_by_label("7", exact=True).check()
    page.wait_for_function("b => document.querySelector('#digit-image img').src !== b", arg=after_drag, timeout=15000)


@pytest.mark.app
@pytest.mark.parametrize("content", [None, b"not a safetensors file"])
def test_app_starts_without_a_usable_generator(tmp_path, content):
    from studio.ui.testing import serve_app

    path = tmp_path / "broken.safetensors"
    if content is not None:
        path.write_bytes(content)
        (tmp_path / "broken.json").write_text('{"kind": "generator", "generator": {"latent_dim": 64, "channels": 64, "num_classes": 10}}')
    with serve_app({"STUDIO_GENERATOR": str(path)}) as (url, *_):
        c = Client(url, verbose=False)
        with pytest.raises(Exception) as err:
            draw_digit(c)
        assert "No generator is loaded" in str(err.value)
        assert ("does not exist" if content is None else "not a readable safetensors") in str(err.value)


def draw_on_sketchpad(page, strokes):
    """Draw with the mouse: strokes are lists of (x, y) in fractions of the canvas's drawing area."""
    canvas = page.locator("#digit-sketch canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # The 280 px drawing area sits in the middle of the component's canvas.
    side = min(box["width"], box["height"]) * 0.8
    left, top = box["x"] + (box["width"] - side) / 2, box["y"] + (box["height"] - side) / 2
    for stroke in strokes:
        page.mouse.move(left + side * stroke[0][0], top + side * stroke[0][1])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(left + side * x, top + side * y, steps=12)
        page.mouse.up()


@pytest.mark.browser
def test_draw_a_digit_find_its_twin_and_morph_it(app_url, page):
    page.goto(app_url)
    picture = page.locator("#digit-image img")
    picture.wait_for(timeout=60000)
    page.wait_for_selector("#digit-sketch button[aria-label='Brush']", timeout=30000)
    page.wait_for_timeout(1000)  # the page selects the brush for the person
    draw_on_sketchpad(page, [[(0.2, 0.15), (0.8, 0.15), (0.4, 0.9)]])  # a 7
    twin = page.locator("#twin-image img")
    twin.wait_for(timeout=30000)
    label = page.locator("#twin-label").inner_text()
    assert "Looks like a 7" in label, label
    assert "Twin mode" in page.locator("#digit-mode").inner_text()
    page.wait_for_function("() => document.querySelector('#digit-picker input[value=\"7\"]').checked", timeout=15000)
    before = picture.get_attribute("src")
    drag_slider(page, "#dir-slider-0", 0.5, 0.95)
    page.wait_for_function("b => document.querySelector('#digit-image img').src !== b", arg=before, timeout=15000)
    # back to seed mode draws the seed's digit again
    twin_src = picture.get_attribute("src")
    page.locator("#twin-back").click()
    page.wait_for_function("b => document.querySelector('#digit-image img').src !== b", arg=twin_src, timeout=15000)
    assert "Seed mode" in page.locator("#digit-mode").inner_text()


def test_find_twin_api(client, tmp_path):
    from PIL import Image, ImageDraw

    path = tmp_path / "four.png"
    img = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(img).line([(120, 20), (40, 120), (170, 120)], fill="black", width=14)
    ImageDraw.Draw(img).line([(130, 60), (130, 185)], fill="black", width=14)
    img.save(path)
    from gradio_client import handle_file

    out = client.predict(handle_file(str(path)), api_name="/find_twin_upload")
    assert "Looks like a 4" in out[2]
    blank = tmp_path / "blank.png"
    Image.new("RGB", (64, 64), "white").save(blank)
    with pytest.raises(Exception, match="the drawing is empty"):
        client.predict(handle_file(str(blank)), api_name="/find_twin_upload")
