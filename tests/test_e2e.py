"""A person's walk through the studio in headless Chromium: morph a digit, send it to Style,
paint it with an uploaded painting. (Training from the browser: tests/test_ui_train.py.)"""

import pytest


@pytest.mark.browser
def test_digit_to_art(app_url, page, paintings):
    page.goto(app_url)
    img = page.locator("#digit-image img")
    img.wait_for(timeout=60000)
    page.get_by_label("8").check()
    page.wait_for_timeout(500)
    page.locator("#send-to-style").click()
    # the Style tab opens with the digit as the photo
    page.locator("#style-photo img").wait_for(timeout=30000)
    page.locator("#style-painting-1 input[type=file]").set_input_files(str(paintings[2]))
    result = page.locator("#style-result img")
    result.wait_for(timeout=60000)
    assert result.get_attribute("src")
