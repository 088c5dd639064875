"""GAN Art Studio: `python app.py` serves on 127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT move it)."""

import os

# Before torch loads OpenMP: its threads sleep instead of spinning while they wait. The app shares
# few cores among many visitors and several processes (style engines, training), and spinning
# threads burn the CPU the others wait for: bench/load.py measured stylisation p95 7.8 s -> 2.7 s
# and slider p95 177 -> 112 ms, for about 6 ms more per 512 px stylisation on an idle machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# A child started with multiprocessing's "spawn" (the style engine, a classic run) runs this file again
# as __mp_main__. It needs none of the app: building it there would import gradio and `spaces` (which,
# on ZeroGPU, patches torch in the child) and load the generator a second time.
if __name__ != "__mp_main__":
    from studio.ui import build_app, launch

    demo = build_app(os.environ.get("STUDIO_GENERATOR", "shipped"))

    if __name__ == "__main__":
        launch(demo)
