"""Mistakes people make, each tried with the mouse in Chromium on a fresh page: exactly one message in
plain words, no framework text, server path or traceback anywhere on the page, no "Error" badge on any
component, and the next good action works. Every case is a row of docs/mistakes.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import local_only
from mistakes import FORBIDDEN, OBSERVE, files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return files(tmp_path_factory.mktemp("mistakes"))


@pytest.fixture
def fresh(browser, app_url):
    """open(tab) -> a new visitor's page at 1280 x 800 on that tab, its first digit drawn."""
    contexts = []

    def open_tab(tab: str = "Digits"):
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        ctx.route("**/*", local_only)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(app_url)
        page.wait_for_selector("#digit-image img", timeout=60000)
        if tab != "Digits":
            page.get_by_role("tab", name=tab).click()
        return page

    yield open_tab
    for ctx in contexts:
        ctx.close()


def one_message(page, expected: str) -> None:
    """Exactly one message is shown, it says `expected`, and nothing else on the page went wrong."""
    page.wait_for_function(f"() => ({OBSERVE})().notes.concat(({OBSERVE})().toasts).some("
                           f"(m) => m.toLowerCase().includes({expected.lower()!r}))", timeout=60000)
    page.wait_for_timeout(1500)  # a second message, if any, would come now
    seen = page.evaluate(OBSERVE)
    messages = seen["notes"] + seen["toasts"]
    assert len(messages) == 1, messages
    assert seen["badges"] == 0, "a component is marked as failed"
    assert not [w for w in FORBIDDEN if w in seen["text"]], seen["text"][:2000]


def no_message(page) -> None:
    page.wait_for_timeout(1000)
    seen = page.evaluate(OBSERVE)
    assert not seen["notes"] and not seen["toasts"] and not seen["badges"], seen


def upload(page, slot: str, path) -> None:
    page.locator(f"{slot} input[type=file]").set_input_files(str(path))


def changed(page, selector: str, before: str, timeout: int = 60000) -> None:
    page.wait_for_function("([s, b]) => { const i = document.querySelector(s); return i && i.src && i.src !== b; }",
                           arg=[selector, before], timeout=timeout)


def src(page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("src") or ""


def paint_an_example(page) -> None:
    page.locator("#style-painting-gallery img").first.click()
    page.locator("#style-photo-gallery img").nth(2).click()
    page.locator("#style-result img").wait_for(timeout=60000)


def type_into(page, box, text: str) -> None:
    """Type as a person does; a number box keeps only what a number can hold ("abc" leaves it empty).
    Numbers go in whole, so no valid prefix ("1" of "1e26") is drawn on the way."""
    box.fill("")
    if re.fullmatch(r"[-+0-9.e]+", text):
        box.fill(text)
    else:
        box.press_sequentially(text)
    box.press("Enter")


def draw_seven(page) -> None:
    canvas = page.locator("#digit-sketch canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y, s = box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2, min(box["width"], box["height"]) * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + s, y, steps=10)
    page.mouse.move(x + s * 0.4, y + s, steps=10)
    page.mouse.up()


TWIN = "#twin-label"
SIZE_BOX = "input[aria-label='number input for Output size (long side, px)']"
STRENGTH_BOX = "input[aria-label='number input for Style strength (0 = photo, 1 = full style)']"


# -- Digits ---------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("name,expected", [("text.png", "not an image format"), ("blank.png", "drawing is empty")])
def test_digits_a_bad_upload_to_the_twin_search(fresh, bad, name, expected):
    page = fresh()
    upload(page, "#digit-upload", bad[name])
    one_message(page, expected)
    upload(page, "#digit-upload", bad["seven.png"])  # the slot was emptied: a good picture goes in
    page.locator(TWIN).get_by_text("Looks like a").wait_for(timeout=60000)
    no_message(page)


@pytest.mark.browser
def test_digits_a_cleared_canvas(fresh):
    page = fresh()
    page.wait_for_selector("#digit-sketch button[aria-label='Brush']", timeout=30000)
    page.wait_for_timeout(1500)  # the page picks the brush for the visitor once the canvas is up
    draw_seven(page)
    page.locator(TWIN).get_by_text("Looks like a").wait_for(timeout=60000)
    page.locator("#digit-sketch button[aria-label='Clear canvas']").click()
    one_message(page, "drawing is empty")
    draw_seven(page)
    page.locator(TWIN).get_by_text("Looks like a").wait_for(timeout=60000)


@pytest.mark.browser
@pytest.mark.parametrize("typed,expected", [("1e26", "between 0 and 2,147,483,647"), ("abc", "seed is empty")])
def test_digits_a_seed_out_of_range_or_as_text(fresh, typed, expected):
    page = fresh()
    before = src(page, "#digit-image img")
    type_into(page, page.locator("#seed input"), typed)
    one_message(page, expected)
    assert src(page, "#digit-image img") == before, "the digit stays as it was"
    type_into(page, page.locator("#seed input"), "5")
    changed(page, "#digit-image img", before)
    no_message(page)


@pytest.mark.browser
def test_digits_a_hub_name_that_does_not_exist(fresh):
    from conftest import drag_slider

    page = fresh()
    page.locator("#model-picker input").fill("nobody/no-such-generator")
    page.keyboard.press("Enter")
    page.locator("#model-load").click()
    one_message(page, "nobody/no-such-generator")
    before = src(page, "#digit-image img")
    drag_slider(page, "#dir-slider-0", 0.5, 0.9)
    changed(page, "#digit-image img", before)


# -- Style ----------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("painted_first", [False, True], ids=["before a result", "after a result"])
def test_style_a_text_file_named_png_as_the_photo(fresh, bad, painted_first):
    page = fresh("Style")
    before = ""
    if painted_first:
        paint_an_example(page)
        before = src(page, "#style-result img")
    upload(page, "#style-photo", bad["text.png"])
    one_message(page, "photo is not an image format")
    if painted_first:
        assert src(page, "#style-result img") == before, "the painted photo stays as it was"
    page.locator("#style-painting-gallery img").first.click()
    page.locator("#style-photo-gallery img").nth(0).click()
    changed(page, "#style-result img", before)
    no_message(page)


@pytest.mark.browser
def test_style_a_text_file_named_png_as_the_painting(fresh, bad):
    page = fresh("Style")
    paint_an_example(page)
    before = src(page, "#style-result img")
    upload(page, "#style-painting-1", bad["text.png"])
    one_message(page, "painting is not an image format")
    page.locator("#style-painting-gallery img").nth(1).click()
    changed(page, "#style-result img", before)
    no_message(page)


@pytest.mark.browser
def test_style_a_photo_of_69_megapixels(fresh, bad):
    page = fresh("Style")
    upload(page, "#style-photo", bad["huge.png"])
    one_message(page, "too large to process")
    paint_an_example(page)
    no_message(page)


@pytest.mark.browser
@pytest.mark.parametrize("box,typed,expected,good", [
    (SIZE_BOX, "99999", "output size must be between 256 and 4,096", "512"),
    (STRENGTH_BOX, "abc", "strength is empty", "0.5"),
    (STRENGTH_BOX, "5", "strength must be between 0 and 1", "0.5"),
])
def test_style_numbers_out_of_range_or_as_text(fresh, box, typed, expected, good):
    page = fresh("Style")
    paint_an_example(page)
    before = src(page, "#style-result img")
    type_into(page, page.locator(box), typed)
    one_message(page, expected)
    type_into(page, page.locator(box), good)
    page.wait_for_function(f"() => !({OBSERVE})().notes.length", timeout=60000)
    if box == STRENGTH_BOX:
        changed(page, "#style-result img", before)


@pytest.mark.browser
def test_style_an_unreadable_video(fresh, bad):
    page = fresh("Style")
    page.get_by_text("Live: the webcam").click()
    upload(page, "#video-in", bad["not-a-video.mp4"])
    one_message(page, "not a video this app can read")
    upload(page, "#video-in", bad["clip.mp4"])
    page.wait_for_function(f"() => !({OBSERVE})().notes.length", timeout=60000)
    no_message(page)


# -- Train ----------------------------------------------------------------------------------------

def pictures_source(page) -> None:
    page.get_by_label("My pictures (a .zip)").check()
    page.locator("#train-data-zip").wait_for()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["empty.zip", "no-pictures.zip"])
def test_train_a_zip_without_pictures_then_start(fresh, bad, name):
    page = fresh("Train")
    pictures_source(page)
    upload(page, "#train-data-zip", bad[name])
    one_message(page, "holds no usable pictures")
    page.locator("#train-start").click()  # the zip was taken off: Start refuses, and no run begins
    page.locator("#train-message").get_by_text("upload a .zip of your pictures first").wait_for(timeout=30000)
    assert "No training job yet" in page.locator("#train-status").inner_text()
    upload(page, "#train-data-zip", bad["pictures.zip"])
    page.locator("#train-data-report").get_by_text("24 pictures").wait_for(timeout=60000)


@pytest.mark.browser
def test_train_steps_out_of_range(fresh):
    page = fresh("Train")
    type_into(page, page.locator("#train-steps input").first, "1000000000")
    page.locator("#train-start").click()
    one_message(page, "steps must be a whole number from 1 to 10,000,000")
    assert "No training job yet" in page.locator("#train-status").inner_text()
    type_into(page, page.locator("#train-steps input").first, "100")
    page.locator("#train-estimate").click()
    page.locator("#train-message").get_by_text("⏱").wait_for(timeout=120000)


# -- Generate -------------------------------------------------------------------------------------

def open_generator(page, name: str) -> None:
    page.locator("#gen-picker input").fill(name)
    page.keyboard.press("Enter")
    page.locator("#gen-open").click()


@pytest.mark.browser
def test_generate_a_hub_name_that_does_not_exist_then_a_seed_out_of_range(fresh):
    page = fresh("Generate")
    open_generator(page, "nobody/no-such-generator")
    one_message(page, "nobody/no-such-generator")
    open_generator(page, "shipped")
    page.locator("#gen-picture img").wait_for(timeout=60000)
    no_message(page)
    before = src(page, "#gen-picture img")
    type_into(page, page.locator("#gen-seed input"), "1e26")
    one_message(page, "between 0 and 2,147,483,647")
    type_into(page, page.locator("#gen-seed input"), "5")
    changed(page, "#gen-picture img", before)
    no_message(page)


def test_every_case_is_a_row_of_the_docs_table():
    """docs/mistakes.md lists what these tests try (one row per mistake, at least 15)."""
    table = (ROOT / "docs" / "mistakes.md").read_text()
    rows = [line for line in table.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) >= 15
    for phrase in ("not an image format", "drawing is empty", "2,147,483,647", "seed is empty", "too large to process",
                   "holds no usable pictures", "not a video this app can read", "nobody/no-such-generator",
                   "4,096", "strength is empty", "10,000,000"):
        assert phrase.lower() in table.lower(), phrase
