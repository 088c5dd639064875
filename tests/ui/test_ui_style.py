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


def open_painted(page, app_url, photo, painting) -> str:
    """The Style tab with a photo and a painting uploaded; returns the painted result's src."""
    page.goto(app_url)
    page.get_by_role("tab", name="Style").click()
    page.locator("#style-photo input[type=file]").set_input_files(str(photo))
    page.locator("#style-painting-1 input[type=file]").set_input_files(str(painting))
    result = page.locator("#style-result img")
    result.wait_for(timeout=60000)
    return result.get_attribute("src")


@pytest.mark.browser
def test_upload_stylize_and_move_strength(app_url, page, photos, paintings):
    first = open_painted(page, app_url, photos[0], paintings[0])
    drag_slider(page, "#style-strength", 0.99, 0.3, steps=5)
    page.wait_for_function("f => { const i = document.querySelector('#style-result img'); return i && i.src !== f; }",
                           arg=first, timeout=60000)


# True once the result shows "queue: k/n" that a person can see: Gradio keeps the status text in
# the page even when a tracker is hidden, at opacity 0, so every ancestor's opacity is checked too.
SHOWN_QUEUE_PLACE = """() => {
    const root = document.querySelector('#style-result');
    const leaf = [...root.querySelectorAll('*')].find(e => !e.children.length && /queue: \\d+\\/\\d+/.test(e.textContent));
    for (let e = leaf; e && e !== root; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) < 0.5) return false;
    }
    return Boolean(leaf);
}"""


@pytest.mark.browser
def test_waiting_visitors_see_their_place_in_line(app_url, page, client, photos, paintings, tmp_path):
    """While other people's stylisations fill the engine, a visitor's request shows its place in
    the queue on the result (Gradio's status tracker), then the picture still arrives."""
    from PIL import Image

    first = open_painted(page, app_url, photos[0], paintings[0])

    big = tmp_path / "big.jpg"  # about 1.5 s each at this size: four of them make a line
    Image.open(photos[1]).convert("RGB").resize((3200, 2400)).save(big)
    jobs = [client.submit(handle_file(str(big)), handle_file(str(paintings[1])), None, None, 1, 1, 1, 0.5, False,
                          3200, None, api_name="/stylize_controls") for _ in range(4)]
    page.wait_for_timeout(1000)
    box = page.locator("#style-strength input[type=number]")
    box.fill("0.4")
    box.press("Enter")
    page.wait_for_function(SHOWN_QUEUE_PLACE, timeout=20000)
    page.wait_for_function("f => { const i = document.querySelector('#style-result img'); return i && i.src !== f; }",
                           arg=first, timeout=90000)
    for job in jobs:
        job.result(timeout=120)


def test_a_painting_painted_again_is_not_rewritten_under_a_download(tmp_path, monkeypatch):
    """The same picture twice has one cached path, which may be streaming: it is written once, whole."""
    import os

    from PIL import Image

    from studio.core.images import png_bytes
    from studio.ui.common import EncodedImage

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    out = EncodedImage(format="png")
    out.GRADIO_CACHE = str(tmp_path)
    data = png_bytes(Image.new("RGB", (64, 48), "teal"))
    first = out.postprocess(data).path
    before = os.stat(first)
    with open(first, "rb") as serving:  # a download in progress
        second = out.postprocess(data).path
        assert second == first
        assert serving.read() == data
    after = os.stat(first)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # left alone
    assert not [p for p in tmp_path.rglob(".*.tmp")]
