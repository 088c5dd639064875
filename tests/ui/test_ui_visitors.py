"""Two visitors of one public deployment in two browser contexts: each one's work is their own."""

import pytest

STATUS = "() => document.querySelector('#train-status').innerText"


def _message(page, text):
    """A message beside the buttons or, for a refusal, in a notification."""
    page.get_by_text(text).first.wait_for(timeout=30000)


@pytest.mark.browser
@pytest.mark.slow
def test_visitor_b_cannot_see_stop_use_download_or_load_visitor_as_run(browser, tmp_path, mnist_available):
    from studio.ui.testing import serve_app

    runs = tmp_path / "runs"
    env = {"STUDIO_RUNS_DIR": str(runs), "STUDIO_PUBLIC": "1", "STUDIO_OWNER": "0", "HF_TOKEN": "hf_the_spaces_own"}
    with serve_app(env, log_path=tmp_path / "app.log") as (url, *_):
        a = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        b = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        a.goto(url)
        a.get_by_role("tab", name="Train").click()
        a.locator("#train-steps input").fill("30")
        a.locator("#train-start").click()
        a.wait_for_function(f"() => ({STATUS})().includes('running') || ({STATUS})().includes('finished')",
                            timeout=60000)
        [run] = list(runs.iterdir())

        b.goto(url)
        b.get_by_role("tab", name="Train").click()
        b.wait_for_timeout(2500)  # several refreshes of the status line
        assert "No training job yet" in b.evaluate(f"({STATUS})()")
        b.locator("#train-stop").click()
        _message(b, "No job is running.")
        a.wait_for_function(f"() => ({STATUS})().includes('finished')", timeout=120000)  # B's Stop did not stop it
        b.locator("#train-use").click()
        _message(b, "no trained generator yet")
        b.get_by_role("button", name="Download checkpoint").click()
        _message(b, "no checkpoint to download yet")
        b.get_by_text("Publish to the Hugging Face Hub").click()
        b.get_by_label("Repo id").fill("bob/digits")
        b.get_by_role("button", name="Publish generator").click()
        _message(b, "sign in with Hugging Face")  # the Space's own token is never used for a visitor

        # B cannot pick A's run in the model picker, nor name its folder there.
        b.get_by_role("tab", name="Digits").click()
        b.locator("#model-picker input").click()
        assert run.name not in b.locator("ul[role='listbox']").inner_text(timeout=10000)
        b.locator("#model-picker input").fill(str(run))
        b.keyboard.press("Enter")
        b.locator("#model-load").click()
        b.locator("#digits-status").get_by_text("neither a listed generator").wait_for(timeout=30000)

        # A uses its run in Digits: A's generator changes, B's does not, and A's reload still finds it all.
        a.locator("#train-use").click()
        _message(a, "Loaded generator")
        a.get_by_role("tab", name="Digits").click()
        a.locator("#digits-status").get_by_text(run.name).wait_for(timeout=30000)
        b.reload()
        b.locator("#digits-status").get_by_text("shipped").wait_for(timeout=30000)
        assert run.name not in b.locator("#digits-status").inner_text()
        a.reload()
        a.locator("#digits-status").get_by_text(run.name).wait_for(timeout=30000)
        a.get_by_role("tab", name="Train").click()
        a.wait_for_function(f"() => ({STATUS})().includes('{run.name}')", timeout=30000)
