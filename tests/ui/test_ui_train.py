"""The Train tab in a real browser: start, watch, stop, use in Digits."""

import pytest


@pytest.mark.browser
@pytest.mark.slow
def test_train_stop_and_use_in_digits(app_url, page, mnist_available):
    page.goto(app_url)
    page.get_by_role("tab", name="Train").click()
    steps = page.locator("#train-steps input")
    steps.fill("400")
    page.locator("#train-start").click()
    page.wait_for_function("() => document.querySelector('#train-status').innerText.includes('running')",
                           timeout=60000)
    # progress, the loss curve and a sample grid appear while it trains
    page.wait_for_function("() => document.querySelector('#train-status').innerText.includes('images/s')",
                           timeout=120000)
    page.locator("#train-loss-plot canvas, #train-loss-plot svg").first.wait_for(timeout=60000)
    page.locator("#train-grid img").wait_for(timeout=180000)
    # a second start is refused while it runs
    page.locator("#train-start").click()
    page.get_by_text("already running").first.wait_for(timeout=20000)
    page.locator("#train-stop").click()
    page.wait_for_function("() => document.querySelector('#train-status').innerText.includes('stopped')",
                           timeout=30000)
    page.locator("#train-use").click()
    page.get_by_text("Loaded generator").first.wait_for(timeout=60000)
    page.get_by_role("tab", name="Digits").click()
    page.wait_for_function("() => document.querySelector('#digits-status').innerText.includes('run-')", timeout=30000)
    page.locator("#digit-image img").wait_for(timeout=30000)
