"""The picture that the controls change stays in view while a person drags them with the mouse, on a
wide window (1280 x 800) and on a phone (390 x 844): at least half of the digit (Digits), the picture
(Generate) and the painted photo (Style) is on screen mid-drag, and it changes under the drag."""

from __future__ import annotations

import pytest

from conftest import local_only

VIEWPORTS = [pytest.param((1280, 800), id="1280x800"), pytest.param((390, 844), id="390x844")]

VISIBLE_SHARE = """(selector) => {
  const r = document.querySelector(selector).getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return r.width * r.height ? (w * h) / (r.width * r.height) : 0;
}"""


@pytest.fixture
def sized(browser, app_url):
    contexts = []

    def open_at(viewport):
        ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        ctx.route("**/*", local_only)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(app_url)
        page.wait_for_selector("#digit-image img", timeout=60000)
        return page

    yield open_at
    for ctx in contexts:
        ctx.close()


def drag_and_look(page, slider: str, picture: str) -> float:
    """Press the slider's handle, move it with the mouse, and while the button is still down return
    the share of the picture on screen; it must also have changed under the drag."""
    track = page.locator(f"{slider} input[type=range]")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    before = page.locator(picture).get_attribute("src")
    page.mouse.move(box["x"] + box["width"] * 0.5, y)  # a press on the track moves the handle there
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.85, y, steps=8)
    page.wait_for_function("([s, b]) => document.querySelector(s).getAttribute('src') !== b", arg=[picture, before],
                           timeout=60000)
    share = page.evaluate(VISIBLE_SHARE, picture)
    page.mouse.up()
    return share


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_digit_stays_in_view_while_its_sliders_are_dragged(sized, viewport):
    page = sized(viewport)
    for slider in ("#dir-slider-0", "#dir-slider-7", "#truncation-slider"):
        assert drag_and_look(page, slider, "#digit-image img") >= 0.5, slider


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_generated_picture_stays_in_view_while_its_sliders_are_dragged(sized, viewport):
    page = sized(viewport)
    page.get_by_role("tab", name="Generate").click()
    page.locator("#gen-picker input").fill("shipped")
    page.keyboard.press("Enter")
    page.locator("#gen-open").click()
    page.locator("#gen-picture img").wait_for(timeout=60000)
    for slider in ("#gen-slider-0", "#gen-slider-3"):
        assert drag_and_look(page, slider, "#gen-picture img") >= 0.5, slider


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_painted_photo_stays_in_view_while_the_strength_is_dragged(sized, viewport):
    page = sized(viewport)
    page.get_by_role("tab", name="Style").click()
    page.locator("#style-painting-gallery img").first.click()
    page.locator("#style-photo-gallery img").nth(2).click()
    page.locator("#style-result img").wait_for(timeout=60000)
    assert drag_and_look(page, "#style-strength", "#style-result img") >= 0.5
    # The optional paintings appear when asked for.
    assert not page.locator("#style-painting-2").is_visible()
    page.locator("#style-add-painting").click()
    page.locator("#style-painting-2").wait_for(timeout=10000)


@pytest.mark.browser
def test_plain_words_come_before_numbers(sized):
    """The status says what the generator draws; the measures wait behind "How good is it?"; sliders
    have names a person understands; a run is never shown by its server path."""
    page = sized((1280, 800))
    status = page.locator("#digits-status")
    text = status.inner_text()
    assert "Draws digits that a separate reader recognises" in text and "FID" not in text.split("How good")[0]
    status.get_by_text("How good is it?").click()
    status.get_by_text("FID").wait_for(timeout=10000)
    labels = page.locator("[id^=dir-slider-] label, [id^=dir-slider-] [data-testid=block-info]").all_inner_texts()
    assert "Slant" in " ".join(labels) and not [t for t in labels if t.lower().startswith("direction")]
    page.locator("#model-picker input").click()
    options = page.locator("ul[role='listbox']").inner_text(timeout=10000)
    assert "shipped" in options and "/" not in options
