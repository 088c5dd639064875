"""The Digits tab through its public API (gradio_client) and in a real browser."""

import pytest
from gradio_client import Client

from conftest import drag_slider

DEFAULTS = ["3", "none", 0.5, 42, 1.0] + [0.0] * 8


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def digit(client, **changes):
    args = list(DEFAULTS)
    names = ["digit", "blend_to", "blend", "seed", "truncation"]
    for k, v in changes.items():
        if k.startswith("dir"):
            args[5 + int(k[3:])] = v
        else:
            args[names.index(k)] = v
    return client.predict(*args, api_name="/digit")


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
    strip, anim, gif = client.predict("5", 1, 2, 8, 1.0, *[0.0] * 8, api_name="/interpolate")
    assert anim.startswith('<img src="data:image/gif;base64,')
    assert str(gif if isinstance(gif, str) else gif["path"]).endswith(".gif")


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
            c.predict(*DEFAULTS, api_name="/digit")
        assert "No generator is loaded" in str(err.value)
        assert ("does not exist" if content is None else "not a readable safetensors") in str(err.value)
