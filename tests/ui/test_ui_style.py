"""The Style tab through the API and in a real browser."""

import pytest
from gradio_client import Client, handle_file

from conftest import drag_slider


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def call(client, photo, painting, strength=1.0, size=256, preserve=False):
    return client.predict(handle_file(str(photo)), handle_file(str(painting)), None, None, 1, 1, 1, strength,
                          preserve, size, None, api_name="/stylize_controls")


def test_api_stylizes(client, photos, paintings):
    from PIL import Image

    out = call(client, photos[0], paintings[0])
    img = Image.open(out)
    assert max(img.size) == 256


@pytest.mark.parametrize("content, message", [
    (b"definitely not an image", "not an image format"),
    (b"", "empty"),
])
def test_api_bad_upload_message(client, tmp_path, paintings, content, message):
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    with pytest.raises(Exception) as err:
        call(client, bad, paintings[0])
    assert message in str(err.value)


@pytest.mark.browser
def test_upload_stylize_and_move_strength(app_url, page, photos, paintings):
    page.goto(app_url)
    page.get_by_role("tab", name="Style").click()
    page.locator("#style-photo input[type=file]").set_input_files(str(photos[0]))
    page.locator("#style-painting-1 input[type=file]").set_input_files(str(paintings[0]))
    result = page.locator("#style-result img")
    result.wait_for(timeout=60000)
    first = result.get_attribute("src")
    drag_slider(page, "#style-strength", 0.99, 0.3, steps=5)
    page.wait_for_function("f => { const i = document.querySelector('#style-result img'); return i && i.src !== f; }",
                           arg=first, timeout=60000)
