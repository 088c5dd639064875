"""The Gradio front end: one module per tab, each only wiring components to studio functions."""

from studio.ui.app import build_app, launch

__all__ = ["build_app", "launch"]
