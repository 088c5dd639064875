"""The page as a person meets it: narrow screens, no empty slots, real examples that work."""

import pytest

TABS = ("Digits", "Generate", "Style", "Train")


@pytest.mark.browser
def test_phone_width_never_scrolls_sideways(app_url, browser):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        page.goto(app_url)
        page.locator("#digit-image img").wait_for(timeout=60000)
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(500)
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert scroll <= client, f"{tab}: the page is {scroll} px wide on a {client} px screen"
    finally:
        page.close()


@pytest.mark.browser
def test_first_load_shows_no_empty_slots_or_blank_plots(app_url, page):
    page.goto(app_url)
    page.locator("#digit-image img").wait_for(timeout=60000)
    for slot in ("#digit-png-file", "#digit-gif-file", "#train-files", "#train-loss-plot"):
        assert not page.locator(slot).is_visible(), f"{slot} is shown before it has anything"
    import urllib.request

    from studio.core import paths

    with urllib.request.urlopen(app_url + "favicon.ico", timeout=10) as r:  # the studio's own icon
        assert r.read() == (paths.ASSETS / "favicon.png").read_bytes()
    page.get_by_role("tab", name="Train").click()
    assert page.locator("#train-plot-hint").is_visible()
    page.get_by_role("tab", name="Digits").click()
    page.locator("#digit-png-file").wait_for(state="hidden")
    page.get_by_role("button", name="Export PNG (280 px)").click()
    page.locator("#digit-png-file").wait_for(state="visible", timeout=30000)  # shown once there is a file


@pytest.mark.browser
def test_real_examples_are_offered_and_a_click_paints_one(app_url, page):
    """The bundled paintings and photos are galleries: any painting goes with any photo."""
    page.goto(app_url)
    page.get_by_role("tab", name="Style").click()
    paintings, photos = page.locator("#style-painting-gallery"), page.locator("#style-photo-gallery")
    paintings.locator("img").first.wait_for(timeout=30000)
    assert paintings.locator("img").count() == 3 and photos.locator("img").count() == 3
    page.get_by_text("Public-domain paintings and free photos").wait_for()
    paintings.locator("img").nth(1).click()  # the Great Wave ...
    photos.locator("img").nth(0).click()  # ... with the astronaut: not one of the fixed pairs
    page.locator("#style-result img").wait_for(timeout=60000)
