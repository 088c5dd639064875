"""Assemble the tabs into one Blocks app and hold the launch settings in one place."""

from __future__ import annotations

import atexit
import os
import signal
import threading
from pathlib import Path

import gradio as gr

from studio.core import folders, paths

from studio.ui import cache_fix, digits_browser, digits_tab, generate_tab, style_tab, tools, train_tab
from studio.ui.state import BROWSER_DIGITS, GENERATOR, VISITORS

CSS = Path(__file__).with_name("layout.css").read_text()  # results in view while controls move


def build_app(generator: str | None = "shipped") -> gr.Blocks:
    cache_fix.install()
    GENERATOR.load(generator)
    # delete_cache: files Gradio copies for downloads are removed hourly once a day old.
    with gr.Blocks(title="GAN Art Studio", delete_cache=(3600, 86400)) as demo:
        gr.Markdown("# GAN Art Studio\nMorph handwritten digits drawn by a GAN trained on MNIST, and paint "
                    "photos in the style of any painting.")
        with gr.Tabs() as tabs:
            with gr.Tab("Digits", id="digits"):
                gr.Markdown("Morph digits a GAN draws, or draw your own and morph your handwriting.",
                            elem_classes="tab-line")
                digits = digits_tab.build()
            with gr.Tab("Generate", id="generate"):
                gr.Markdown("Draw from any generator trained here, on MNIST or your own pictures, beside the "
                            "training pictures nearest to it.", elem_classes="tab-line")
                generate = generate_tab.build()
            with gr.Tab("Style", id="style"):
                gr.Markdown("Paint a photo, your webcam or a video in the style of any painting.",
                            elem_classes="tab-line")
                style = style_tab.build()
            with gr.Tab("Train", id="train"):
                gr.Markdown("Train a GAN on MNIST or on your own pictures in the background, watch it learn, use a digit GAN in Digits.",
                            elem_classes="tab-line")
                train = train_tab.build(digits)
        tools.build()
        private = dict(api_visibility="private")
        generate["send_to_style"].click(generate_tab.as_photo, generate["inputs"], style["photo"], **private).success(
            lambda: gr.Tabs(selected="style"), None, tabs, **private)
        train["open_in_generate"].click(train["run_for_generate"], None, generate["picker"], **private).success(
            lambda: gr.Tabs(selected="generate"), None, tabs, **private).then(
            generate_tab.open_or_say, [generate["picker"], generate["method"]], generate["opened"], **private).success(
            **generate["draw"])
        digits["send_to_style"].click(digits_tab.digit_as_photo, digits["inputs"], style["photo"], api_visibility="private").then(
            lambda: gr.Tabs(selected="style"), None, tabs, api_visibility="private")
        # Who this is first (a reload finds the visitor's runs and generator), then their first
        # digit as soon as the page opens, and a ready brush on the canvas.
        visitor = gr.BrowserState(None, storage_key="studio-visitor")
        demo.load(VISITORS.arrive, visitor, visitor, queue=False, api_visibility="private").then(
            VISITORS.describe, None, digits["status"], queue=False, api_visibility="private").then(
            digits["slider_updates"], digits["method"], digits["sliders"], queue=False, api_visibility="private").then(
            digits["render"], digits["inputs"], digits["picture"], queue=False, api_visibility="private",
            show_progress="hidden").then(
            digits["browser_engine"], None, digits["web"], queue=False, api_visibility="private").then(
            None, digits["web"], None, js=digits_browser.PRELOAD_JS)
        demo.unload(VISITORS.leave)
        demo.load(None, None, None, js=digits_browser.PICK_BRUSH)
    return demo


def _forget_served_files(demo: gr.Blocks) -> None:
    """At exit, remove every file this app put into Gradio's cache (its outputs, visitors' uploads).
    Gradio means to do this when its server shuts down (delete_cache), but on Ctrl-C or SIGTERM the
    process ends before that runs (measured: nothing was removed); its own helper, called here,
    keeps what Gradio keeps on purpose (the examples' copies, reused at the next start)."""
    from gradio.route_utils import delete_files_created_by_app

    try:
        delete_files_created_by_app(demo, age=None)
    except Exception:  # noqa: BLE001 - at exit, remove what can be removed
        pass


def _close_on_sigterm(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: a second must not break the close
    raise KeyboardInterrupt


def launch(demo: gr.Blocks, **overrides):
    """Start serving; app.py and the tests go through here so both run the same settings."""
    settings = dict(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size="25mb",
        css=CSS,
        show_error=True,
        favicon_path=str(paths.ASSETS / "favicon.png"),
        # The studio's tools for agents: draw_digit, digit_grid, stylize, find_twin (studio.ui.tools).
        mcp_server=os.environ.get("STUDIO_MCP", "1") != "0",
    )
    settings.update(overrides)
    # The Digits tab's browser engine: its files are served as they are; made in the background
    # (the first start exports the generator), pages draw on the server until it is ready.
    gr.set_static_paths([BROWSER_DIGITS.root])
    BROWSER_DIGITS.start(GENERATOR.spec, GENERATOR.studio, extra=(digits_browser.BROWSER_JS,))
    atexit.register(_forget_served_files, demo)
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a Space restarting, systemd, docker stop) closes the app as Ctrl-C does, so its
        # exit handlers run and its training job stops with a checkpoint (studio.core.children).
        signal.signal(signal.SIGTERM, _close_on_sigterm)
    # Painted videos, exports, uploads (and runs, on a public deployment) within their age and size caps.
    folders.keep_pruned(VISITORS.runs_in_use)
    # A bounded queue: past max_size people are told the app is busy instead of waiting forever.
    return demo.queue(default_concurrency_limit=2, max_size=64).launch(**settings)
