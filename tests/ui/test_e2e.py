"""A person's walk through the studio in headless Chromium: morph a digit, send it to Style,
paint it with an uploaded painting. (Training from the browser: tests/ui/test_ui_train.py.)"""

import pytest


@pytest.mark.browser
def test_digit_to_art(app_url, page, paintings):
    page.goto(app_url)
    img = page.locator("#digit-image img")
    img.wait_for(timeout=60000)
    page.locator("#digit-picker").get_by_label("8", exact=True).check()
    page.wait_for_timeout(500)
    page.locator("#send-to-style").click()
    # the Style tab opens with the digit as the photo
    page.locator("#style-photo img").wait_for(timeout=30000)
    page.locator("#style-painting-1 input[type=file]").set_input_files(str(paintings[2]))
    result = page.locator("#style-result img")
    result.wait_for(timeout=60000)
    assert result.get_attribute("src")


@pytest.mark.browser
def test_browser_leaving_mid_stylisation(app_url, browser, photos, paintings):
    """Close the page while a large stylisation runs: the server keeps serving everyone else."""
    from gradio_client import Client

    from studio.ui.testing import draw_digit

    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(app_url)
    page.get_by_role("tab", name="Style").click()
    page.locator("#style-photo input[type=file]").set_input_files(str(photos[1]))
    page.locator("#style-painting-1 input[type=file]").set_input_files(str(paintings[1]))
    page.wait_for_timeout(300)
    ctx.close()  # gone mid-request
    html = draw_digit(Client(app_url, verbose=False), digit=4, seed=3)
    assert html.startswith("<img")
