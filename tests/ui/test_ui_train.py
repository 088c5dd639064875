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


def test_bad_new_settings_get_a_message_not_a_job():
    """Straight through the handler: no browser needed to see the refusal."""
    import gradio as gr

    from studio.ui import train_tab
    from studio.ui.state import VISITORS

    base = dict(loss="hinge", conditional=True, steps=10, batch_size=16, lr_g=2e-4, lr_d=2e-4, beta1=0.5,
                beta2=0.999, d_steps=1, ema=0.999, seed=0, device="cpu", eval_every=0)
    for bad, match in ((dict(g_depth=3), "generator depth"), (dict(aux_weight=-1), "aux-weight"),
                       (dict(lr_decay_from=None), "learning rates fall to 0 from step .* is required"),
                       (dict(lr_decay_from=2.5), "lr-decay-from"), (dict(aux_until=1.5), "aux-until"),
                       (dict(diversity=-1), "diversity"), (dict(out="/etc"), "not a training setting")):
        with pytest.raises(gr.Error, match=match):
            train_tab.start({**base, **bad})
    assert not VISITORS.jobs().running()


@pytest.mark.browser
@pytest.mark.slow
def test_sigterm_to_the_app_stops_its_job_with_a_checkpoint(browser, tmp_path, mnist_available):
    """A Space restarting sends SIGTERM: the app closes, and its training job saves and ends with it."""
    import os
    import signal
    import time

    from studio.core.files import read_config
    from studio.training.jobs import read_metrics
    from studio.ui.testing import serve_app

    runs = tmp_path / "runs"
    with serve_app({"STUDIO_RUNS_DIR": str(runs)}) as (url, _, app_pid):
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.goto(url)
        page.get_by_role("tab", name="Train").click()
        page.locator("#train-steps input").fill("100000")
        page.locator("#train-start").click()
        page.wait_for_function("() => document.querySelector('#train-status').innerText.includes('images/s')",
                               timeout=120000)
        page.context.close()
        [run] = list(runs.iterdir())
        assert _trainers_of(run)
        os.kill(app_pid, signal.SIGTERM)
        deadline = time.time() + 30
        while _trainers_of(run) and time.time() < deadline:
            time.sleep(0.2)
        assert not _trainers_of(run), "the training job outlived the app"
    last_logged = max(m["step"] for m in read_metrics(run) if m["kind"] == "train")
    # The final save on the way out, not only a periodic checkpoint (every 100 steps) before it.
    assert read_config(run / "state.safetensors")["step"] >= last_logged > 0


def _trainers_of(run) -> list[str]:
    """Processes whose command line trains into this run folder."""
    import os

    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                zombie = f.read().split(") ", 1)[1].startswith("Z")
        except OSError:
            continue
        if " train " in cmd and str(run) in cmd and not zombie:
            found.append(pid)
    return found


def _finished_run(tmp_path, tiny_generator):
    from studio.digits.checkpoints import save_generator

    run = tmp_path / "run-done"
    save_generator(run / "generator.safetensors", tiny_generator, {"training": {"step": 1}})
    return run


def test_publishing_without_signing_in_is_refused_on_a_public_deployment(monkeypatch, tmp_path, tiny_generator):
    """The finding: an anonymous visitor's publish reached the Space's own token."""
    import gradio as gr

    import studio.share.hub
    from studio.ui import train_tab
    from studio.ui.state import VISITORS

    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    monkeypatch.delenv("STUDIO_OWNER", raising=False)
    monkeypatch.setenv("HF_TOKEN", "hf_the_spaces_own")
    monkeypatch.setattr(studio.share.hub, "hub_token", lambda: pytest.fail("the Space's token was reached"))
    monkeypatch.setattr(VISITORS.jobs(), "run_dir", _finished_run(tmp_path, tiny_generator))
    with pytest.raises(gr.Error, match="sign in with Hugging Face"):
        train_tab.publish("bob/digits", False, None)


def test_a_signed_in_visitor_publishes_with_their_own_token(monkeypatch, tmp_path, tiny_generator):
    import gradio as gr

    import studio.digits.publish
    from studio.ui import train_tab
    from studio.ui.state import VISITORS

    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    pushed = {}
    monkeypatch.setattr(studio.digits.publish, "publish_generator",
                        lambda run, repo, private, token: pushed.update(run=run, repo=repo, token=token) or
                        f"https://huggingface.co/{repo}")
    monkeypatch.setattr(VISITORS.jobs(), "run_dir", _finished_run(tmp_path, tiny_generator))
    visitor = gr.OAuthToken(token="hf_visitors_own", scope="write-repos", expires_at=None)  # a stand-in login
    assert train_tab.publish("alice/digits", False, visitor) == "Published to https://huggingface.co/alice/digits"
    assert pushed["token"] == "hf_visitors_own" and pushed["repo"] == "alice/digits"


def test_owner_actions_follow_the_deployment_and_the_switch(monkeypatch):
    from studio.core.limits import owner_actions

    for public, owner, allowed in (("0", None, True), ("1", None, False), ("1", "1", True), ("0", "0", False)):
        monkeypatch.setenv("STUDIO_PUBLIC", public)
        if owner is None:
            monkeypatch.delenv("STUDIO_OWNER", raising=False)
        else:
            monkeypatch.setenv("STUDIO_OWNER", owner)
        assert owner_actions() is allowed


@pytest.mark.browser
@pytest.mark.slow
def test_on_zero_gpu_the_page_chains_bursts_and_stop_ends_them(browser, tmp_path, mnist_available):
    """ZeroGPU stood in for by tests/stand_ins/spaces (each decorated call runs here, on the CPU): the
    tab trains in 2-second bursts while the page stays, shows the GPU time, and Stop ends them."""
    import os
    from pathlib import Path

    from studio.ui.testing import serve_app

    stand_ins = Path(__file__).resolve().parent.parent / "stand_ins"
    env = {"STUDIO_RUNS_DIR": str(tmp_path / "runs"), "SPACES_ZERO_GPU": "true",
           "PYTHONPATH": os.pathsep.join([str(stand_ins), os.environ.get("PYTHONPATH", "")])}
    with serve_app(env, log_path=tmp_path / "app.log") as (url, *_):
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.goto(url)
        page.get_by_role("tab", name="Train").click()
        page.locator("#train-steps input").fill("100000")
        page.get_by_text("Optimiser and more").click()
        page.locator("#train-burst-seconds input").fill("2")
        page.locator("#train-start").click()
        status = "document.querySelector('#train-status').innerText"
        page.wait_for_function(f"() => /[2-9] GPU bursts/.test({status})", timeout=120000)
        assert "GPU time used" in page.locator("#train-status").inner_text()
        page.locator("#train-grid").scroll_into_view_if_needed()  # a lazy image loads only once in view
        page.locator("#train-grid img").wait_for(timeout=60000)
        page.locator("#train-stop").click()
        page.wait_for_function(f"() => {status}.includes('stopped')", timeout=30000)
        page.get_by_text("the checkpoint is saved").first.wait_for(timeout=30000)
        def run_line():  # the run's own line, without the timer Gradio may show over a pending update
            return next(ln for ln in page.locator("#train-status").inner_text().splitlines() if "GPU bursts" in ln)

        text = run_line()
        page.wait_for_timeout(4000)  # no burst after Stop
        assert run_line() == text
        page.locator("#train-use").click()
        page.get_by_text("Loaded generator").first.wait_for(timeout=60000)


def _zip_of_squares(path, per_class=8, hostile=False):
    import io
    import zipfile

    import numpy as np
    from PIL import Image

    with zipfile.ZipFile(path, "w") as zf:
        for name, colour in (("red", (220, 30, 30)), ("blue", (40, 60, 220))):
            for i in range(per_class):
                img = np.full((36, 36, 3), 255, np.uint8)
                img[i:i + 20, 4:24] = colour
                buf = io.BytesIO()
                Image.fromarray(img).save(buf, "PNG")
                zf.writestr(f"squares/{name}/{i}.png", buf.getvalue())
        if hostile:
            zf.writestr("../../escaped.png", b"x")
    return path


@pytest.mark.browser
@pytest.mark.slow
def test_a_zip_of_ones_own_pictures_is_previewed_trained_and_a_hostile_one_refused(app_url, page, tmp_path):
    page.goto(app_url)
    page.get_by_role("tab", name="Train").click()
    page.get_by_text("My pictures (a .zip)").click()
    page.locator("#train-data-zip input[type=file]").set_input_files(str(_zip_of_squares(tmp_path / "evil.zip",
                                                                                          hostile=True)))
    page.get_by_text("outside its folder").first.wait_for(timeout=30000)
    assert not (tmp_path.parent / "escaped.png").exists()
    page.locator("#train-data-zip input[type=file]").wait_for(state="attached")  # the refused zip was taken off
    page.locator("#train-data-zip input[type=file]").set_input_files(str(_zip_of_squares(tmp_path / "good.zip")))
    report = page.locator("#train-data-report")
    page.wait_for_function("() => document.querySelector('#train-data-report').innerText.includes('16 pictures')",
                           timeout=30000)
    assert "blue 8, red 8" in report.inner_text() and "32 px" in report.inner_text()
    page.locator("#train-data-preview img").wait_for(timeout=10000)
    page.locator("#train-steps input").fill("150")
    page.locator("#train-start").click()
    # On your own machine every page shows the owner's one job: wait for this run, not an earlier test's.
    page.locator("#train-message").get_by_text("Started").wait_for(timeout=60000)
    name = page.locator("#train-message").inner_text().split("Started", 1)[1].strip(" .*\n")
    page.wait_for_function("(n) => { const s = document.querySelector('#train-status').innerText; "
                           "return s.includes(n) && s.includes('images/s'); }", arg=name, timeout=60000)
    page.locator("#train-stop").click()  # stopped, then resumed to the end
    page.wait_for_function("(n) => { const s = document.querySelector('#train-status').innerText; "
                           "return s.includes(n) && s.includes('stopped'); }", arg=name, timeout=30000)
    page.locator("#train-resume").click()
    page.locator("#train-message").get_by_text("Resumed").wait_for(timeout=60000)
    page.locator("#train-grid").scroll_into_view_if_needed()  # a lazy image loads only once in view
    page.locator("#train-grid img").wait_for(timeout=120000)
    page.wait_for_function("() => document.querySelector('#train-status').innerText.includes('finished')",
                           timeout=240000)
    assert "step 150 / 150" in page.locator("#train-status").inner_text()
    page.locator("#train-nearest-btn").click()  # does it copy? samples beside their nearest pictures
    page.locator("#train-nearest img").wait_for(timeout=60000)
    page.get_by_text("samples nearly identical to a training picture").first.wait_for(timeout=10000)
    # the run opens in the Generate tab: its classes by name, its sliders, its nearest training pictures
    page.locator("#train-generate").click()
    page.wait_for_function("() => document.querySelector('#gen-status')?.innerText.includes('2 classes')",
                           timeout=120000)
    assert "32 px colour" in page.locator("#gen-status").inner_text()
    assert page.locator("#gen-class input").input_value() == "blue"
    page.locator("#gen-picture img").wait_for(timeout=30000)
    assert page.locator("#gen-slider-0").is_visible()
    page.locator("#gen-nearest-btn").click()
    page.locator("#gen-nearest img").wait_for(timeout=30000)
    page.wait_for_function("() => document.querySelector('#gen-nearest-text')?.innerText.includes('RMS difference')",
                           timeout=30000)
