"""GAN Art Studio: `python app.py` serves on 127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT move it)."""

import os

from studio.ui import build_app, launch

demo = build_app(os.environ.get("STUDIO_GENERATOR", "shipped"))

if __name__ == "__main__":
    launch(demo)
