"""The static studio's page used as a person uses it, with the mouse and the keyboard, at a laptop's
1280 × 800 and a phone's 390 × 844: every control of every tab, the mistakes people make, and the
result kept in view while controls move. Screenshots go to test-output/ for a person to look at."""

from pathlib import Path

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OUT = Path(__file__).resolve().parents[2] / "test-output"
SIZES = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES))
def page(request, browser, site_url):
    w, h = SIZES[request.param]
    context = browser.new_context(viewport={"width": w, "height": h}, accept_downloads=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site_url) else r.abort())
    pg = context.new_page()
    pg.size = request.param
    pg.goto(site_url)
    pg.locator("#digit-time").get_by_text("drawn in").wait_for(timeout=60000)
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        shot(pg, f"failed-{request.node.name}")
    context.close()


def shot(page, name):
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"static-{name}-{page.size}.png"))


def reach(page, selector):
    """Scroll as a person does: the control to the bottom of the window, below the result kept at the top."""
    page.locator(selector).evaluate("(e) => e.scrollIntoView({block: 'end'})")


def drag(page, selector, start, end):
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end, y, steps=6)
    page.mouse.up()


def stroke(page, selector, points):
    box = page.locator(selector).bounding_box()
    at = [(box["x"] + box["width"] * x, box["y"] + box["height"] * y) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for p in at[1:]:
        page.mouse.move(*p, steps=8)
    page.mouse.up()


def in_view(page, selector) -> bool:
    box, h = page.locator(selector).bounding_box(), page.viewport_size["height"]
    return box is not None and box["y"] >= -1 and box["y"] + min(box["height"], 120) <= h


def changes(page, canvas, action):
    """Do `action`, then wait until the canvas shows something else."""
    read = "(id) => document.getElementById(id).toDataURL()"
    before = page.evaluate(read, canvas)
    action()
    page.wait_for_function(f"([id, b]) => ({read})(id) !== b", arg=[canvas, before], timeout=30000)


def test_digits_every_control(page):
    assert "Runs on this device: WebAssembly" in page.locator("#engine-chip").inner_text()
    # the first download was counted (runtime and models, in MB) and its bar went when it was done
    assert " MB" in page.locator("#download-label").text_content() and page.locator("#download").is_hidden()
    changes(page, "digit-image", lambda: page.locator("#digit-picker label", has_text="7").click())
    reach(page, "#truncation")
    changes(page, "digit-image", lambda: drag(page, "#truncation", 0.95, 0.5))
    assert page.locator("#truncation-value").inner_text() != "1.00"
    assert in_view(page, "#digit-image"), "the digit stays in view while its controls move"
    reach(page, "#dir-slider-0")
    changes(page, "digit-image", lambda: drag(page, "#dir-slider-0", 0.5, 0.85))
    assert page.locator("#dir-slider-0").locator("xpath=..").locator("output").inner_text().startswith("+")
    assert in_view(page, "#digit-image")
    shot(page, "digits")
    changes(page, "digit-image", lambda: page.locator("#blend-to").select_option("1"))
    reach(page, "#blend")
    changes(page, "digit-image", lambda: drag(page, "#blend", 0.5, 0.9))
    assert page.locator("#blend-value").inner_text() != "50 %"
    changes(page, "digit-image", lambda: (page.locator("#seed").fill("1234"), page.locator("#seed").press("Enter")))
    changes(page, "digit-image", lambda: page.locator("#randomise").click())
    labels = page.locator("#sliders label span").all_inner_texts()
    changes(page, "digit-image", lambda: page.locator("#method").select_option("sefa"))
    assert page.locator("#sliders label span").all_inner_texts() != labels  # the other method's directions
    reach(page, "#dir-slider-1")
    changes(page, "digit-image", lambda: drag(page, "#dir-slider-1", 0.5, 0.2))
    changes(page, "digit-image", lambda: page.locator("#reset").click())
    with page.expect_download() as got:
        page.locator("#export").click()
    assert got.value.suggested_filename == "digit.png"
    page.locator("#grid-btn").click()
    page.wait_for_function("() => document.getElementById('grid').width === 280")
    page.locator("summary", has_text="Interpolate").click()
    page.locator("#seed-b").fill("99")
    page.locator("#frames").fill("12")
    page.locator("#interp-btn").click()
    page.wait_for_function("() => document.getElementById('strip').width === 12 * 28")
    page.locator("summary", has_text="Draw a digit").click()
    reach(page, "#sketch")
    stroke(page, "#sketch", [(0.5, 0.15), (0.5, 0.85)])
    page.locator("#twin-label").get_by_text("Looks like a").wait_for(timeout=30000)
    page.locator("#twin-back").click()
    page.locator("#twin-label").get_by_text("Seed mode").wait_for()
    page.locator("#sketch-clear").click()
    assert page.locator("#twin-label").inner_text().startswith("Draw a digit")


def pick(page, gallery, name):
    page.locator(gallery).get_by_role("button", name=name).click()


def test_style_every_control_and_the_mistakes(page, tmp_path):
    page.get_by_role("tab", name="Style").click()
    pick(page, "#photo-examples", "chelsea")
    page.locator("#photo-what").get_by_text("Photo: chelsea").wait_for()
    changes(page, "style-result", lambda: pick(page, "#painting-examples", "wave"))
    assert page.locator("#style-placeholder").is_hidden()
    changes(page, "style-result", lambda: pick(page, "#painting-examples", "starry night"))
    assert page.locator("#mix .part").count() == 2
    reach(page, "#mix input[type=range] >> nth=0")
    changes(page, "style-result", lambda: drag(page, "#mix input[type=range] >> nth=0", 0.95, 0.3))
    assert "%" in page.locator("#mix output").first.inner_text()
    reach(page, "#strength")
    changes(page, "style-result", lambda: drag(page, "#strength", 0.97, 0.6))
    assert page.locator("#strength-value").inner_text() != "100 %"
    assert in_view(page, "#style-result"), "the painted photo stays in view while its controls move"
    changes(page, "style-result", lambda: page.locator("#keep").check())
    changes(page, "style-result", lambda: page.locator("#size").select_option("256"))
    size = page.evaluate("() => [document.getElementById('style-result').width, document.getElementById('style-result').height]")
    assert max(size) == 256
    page.locator("summary", has_text="Paint only where you brush").click()
    reach(page, "#mask")
    stroke(page, "#mask", [(0.05, 0.5), (0.35, 0.5)])
    page.locator("#style-result[data-masked=true]").wait_for(state="attached", timeout=30000)
    page.locator("#mask-clear").click()
    page.locator("#style-result[data-masked=false]").wait_for(state="attached", timeout=30000)
    assert page.locator("#download-png").is_visible()
    with page.expect_download() as got:
        page.locator("#download-png").click()
    assert got.value.suggested_filename == "painted.png"
    reach(page, "#brush")
    drag(page, "#brush", 0.3, 0.8)  # a wider brush: the next stroke covers more
    shot(page, "style")
    own = tmp_path / "holiday.png"
    Image.new("RGB", (300, 200), (40, 120, 200)).save(own)
    page.locator("#photo").set_input_files(str(own))
    page.locator("#photo-what").get_by_text("Photo: holiday.png").wait_for()
    # Mistakes: a fourth painting, and a file that is not a picture
    pick(page, "#painting-examples", "composition vii")
    page.wait_for_function("() => document.querySelectorAll('#mix .part').length === 3")
    mine = tmp_path / "mine.png"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(mine)
    page.locator("#painting").set_input_files(str(mine))
    page.locator("#painting-note").get_by_text("Three paintings at most").wait_for()
    assert page.locator("#painting-examples").get_by_role("button", name="mine.png").is_visible()  # offered all the same
    (tmp_path / "notes.png").write_text("not a picture")
    page.locator("#photo").set_input_files(str(tmp_path / "notes.png"))
    page.locator("#photo-note").get_by_text("not a picture this browser can open").wait_for()
    assert page.locator("#photo-what").inner_text() == "Photo: holiday.png"  # the photo stays as it was


def test_live_without_a_painting_or_a_camera_says_so(page):
    page.get_by_role("tab", name="Live").click()
    page.locator("#live-start").click()
    page.locator("#live-status").get_by_text("choose a painting on the Style tab first").wait_for(timeout=30000)
    page.get_by_role("tab", name="Style").click()
    pick(page, "#painting-examples", "wave")
    page.get_by_role("tab", name="Live").click()
    page.locator("#live-size").select_option("384")
    page.locator("#live-start").click()
    page.locator("#live-status").get_by_text("No camera was found").wait_for(timeout=30000)
    page.locator("#live-stop").click()  # nothing to stop: the line stays, nothing breaks
    assert "No camera was found" in page.locator("#live-status").inner_text()
    shot(page, "live")


def test_generate_offers_the_built_generators_with_their_classes(page):
    page.get_by_role("tab", name="Generate").click()
    page.locator("#gen-time").get_by_text("drawn in").wait_for(timeout=30000)
    assert page.locator("#gen-class option").all_inner_texts() == ["blue", "green", "red"]
    assert "32 × 32 pixels, colour, 3 classes" in page.locator("#gen-about").inner_text()
    changes(page, "gen-image", lambda: page.locator("#gen-class").select_option(label="red"))
    reach(page, "#gen-slider-0")
    changes(page, "gen-image", lambda: drag(page, "#gen-slider-0", 0.5, 0.9))
    changes(page, "gen-image", lambda: (page.locator("#gen-seed").fill("77"), page.locator("#gen-seed").press("Enter")))
    changes(page, "gen-image", lambda: page.locator("#gen-randomise").click())
    reach(page, "#gen-truncation")
    changes(page, "gen-image", lambda: drag(page, "#gen-truncation", 0.95, 0.4))
    assert page.locator("#gen-truncation-value").inner_text() != "1.00"
    changes(page, "gen-image", lambda: page.locator("#gen-reset").click())
    page.locator("#gen-model").select_option(index=0)
    page.locator("#gen-grid-btn").click()
    page.wait_for_function("() => document.getElementById('gen-grid').height === 3 * 32")
    shot(page, "generate")


def test_the_tabs_answer_the_keyboard_and_every_control_has_a_name(page):
    page.locator("#tab-digits").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-style").get_attribute("aria-selected") == "true"
    assert page.locator("#style").is_visible() and page.locator("#digits").is_hidden()
    page.keyboard.press("End")
    assert page.locator("#tab-generate").get_attribute("aria-selected") == "true"
    page.keyboard.press("Home")
    assert page.locator("#tab-digits").get_attribute("aria-selected") == "true"
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, button, canvas[role=img]')]
        .filter((e) => !e.closest('[hidden]') && !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
        .map((e) => e.id || e.outerHTML.slice(0, 60))""")
    assert unnamed == []


def test_when_the_runtime_cannot_load_the_page_says_so_and_its_tabs_still_answer(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route("**/*", lambda r: r.abort() if "/ort/" in r.request.url or not r.request.url.startswith(site_url)
                  else r.continue_())
    page = context.new_page()
    page.goto(site_url)
    page.locator("#engine-chip").get_by_text("could not load").wait_for(timeout=30000)
    page.get_by_role("tab", name="Style").click()
    assert page.locator("#style").is_visible() and page.locator("#digits").is_hidden()
    context.close()
