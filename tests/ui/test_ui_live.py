"""The live webcam in a real browser, with Chromium's fake camera playing a clip the test makes."""

import base64
import http.client
import io
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import drag_slider

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "style"))
from clips import write_y4m  # noqa: E402

from studio.ui.testing import CHROMIUM_ARGS, chromium_path  # noqa: E402


def shown(page, selector) -> np.ndarray:
    """The picture an <img> shows, fetched the way the browser did. While streaming, the src moves on several
    times a second, so a fetch can catch a frame file that is not whole yet: read the newest src again then."""
    for attempt in range(5):
        src = page.locator(selector).get_attribute("src")
        try:
            if src.startswith("data:"):
                data = base64.b64decode(src.split(",", 1)[1])
            else:
                with urllib.request.urlopen(src, timeout=10) as r:
                    data = r.read()  # the server may still be writing it: IncompleteRead
            return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float32)
        except (OSError, http.client.IncompleteRead):
            if attempt == 4:
                raise
            page.wait_for_timeout(200)


@pytest.mark.browser
def test_webcam_is_painted_live_and_follows_the_strength_slider(app_url, browser, tmp_path, photos, paintings):
    scene = Image.open(photos[2]).convert("RGB").resize((384, 288))
    camera = tmp_path / "camera.y4m"
    write_y4m(camera, [np.asarray(scene)] * 30)  # a still scene: only the controls change the picture
    # A second Chromium from the session's Playwright, this one with a fake camera playing the clip.
    with_camera = browser.browser_type.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}"])
    try:
        page = with_camera.new_context(viewport={"width": 1280, "height": 1400}).new_page()
        page.goto(app_url)
        page.get_by_role("tab", name="Style").click()
        page.locator("#style-painting-1 input[type=file]").set_input_files(str(paintings[1]))
        page.get_by_text("Live: the webcam painted").click()
        page.get_by_text("Click to Access Webcam").click()
        page.locator("#live-cam button[aria-label='capture photo']").click(timeout=30000)
        page.locator("#live-out img").wait_for(timeout=60000)
        page.wait_for_function("() => /fps/.test(document.querySelector('#live-fps').innerText)", timeout=30000)
        target = np.asarray(scene, dtype=np.float32)

        def distance():
            img = shown(page, "#live-out img")
            ref = np.asarray(Image.fromarray(target.astype(np.uint8)).resize((img.shape[1], img.shape[0])),
                             dtype=np.float32)
            # Gradio mirrors a webcam like a selfie view, so compare with both orientations
            return min(np.abs(img - ref).mean(), np.abs(img - ref[:, ::-1]).mean())

        painted = distance()
        assert painted > 20, f"at full strength the stream should look painted (distance {painted:.1f})"
        drag_slider(page, "#style-strength", 0.5, 0.0)  # to 0: the camera as it is
        deadline, now = time.time() + 30, painted
        while time.time() < deadline and now > 10:
            page.wait_for_timeout(300)
            now = distance()
        assert now <= 10, f"strength 0 should show the camera itself (distance {now:.1f}, was {painted:.1f})"
    finally:
        with_camera.close()


def test_paint_video_through_the_api(app_url, tmp_path, photos, paintings):
    from gradio_client import Client, handle_file

    from clips import pan_frames, write_video
    from studio.style.video import probe

    clip = tmp_path / "clip.mp4"
    write_video(clip, pan_frames(photos[0], count=10, size=(128, 96)), fps=10)
    client = Client(app_url, verbose=False)
    video, status = client.predict(handle_file(str(clip)), handle_file(str(paintings[0])), None, None, 1.0,
                                   False, "as the input", True, api_name="/paint_video")
    path = video["video"] if isinstance(video, dict) else video
    got = probe(path)
    assert (got.frames, got.width, got.height) == (10, 128, 96) and "Painted in" in status
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(Exception, match="not a video this app can read"):
        client.predict(handle_file(str(bad)), handle_file(str(paintings[0])), None, None, 1.0, False,
                       "as the input", True, api_name="/paint_video")
