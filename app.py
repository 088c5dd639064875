"""GAN Art Studio: `python app.py` serves on 127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT move it)."""

import os

# Before torch loads OpenMP: its threads sleep instead of spinning while they wait. The app shares
# few cores among many visitors and several processes (style engines, training), and spinning
# threads burn the CPU the others wait for: bench/load.py measured stylisation p95 7.8 s -> 2.7 s
# and slider p95 177 -> 112 ms, for about 6 ms more per 512 px stylisation on an idle machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from studio.ui import build_app, launch  # noqa: E402

demo = build_app(os.environ.get("STUDIO_GENERATOR", "shipped"))

if __name__ == "__main__":
    launch(demo)
