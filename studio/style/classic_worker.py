"""The classic (Gatys) engine in a process of its own, one per run.

A classic run keeps both cores busy for minutes. In the app's process it would slow every
slider move; here it runs at a lower CPU priority, a crash ends only this run, and Stop is
a flag the optimisation checks between steps, with a kill as the backstop. The child also
stops when the app that started it is gone.

    job = ClassicJob(photo, [painting], steps=200, max_size=384)
    for image, info in job:        # as ClassicStylizer yields them, from the other process
        ...
    job.stop()                     # returns within `timeout` seconds, the process ended
"""

from __future__ import annotations

import os

from studio.core.children import carry, context, end_process, lower_priority, send, spawn
from studio.style.worker import StyleWorkerError

# Lower than the fast engine's (10): a classic run is minutes of background work, so the app's
# own threads and the fast stylisations people wait on take the CPU first (bench/load.py).
CLASSIC_NICE = 19


def vgg_features():
    """The default network: torchvision's VGG-19, downloaded once (studio.style.classic)."""
    from studio.style.classic import load_vgg19_features

    return load_vgg19_features()


class ClassicJob:
    def __init__(self, photo, paintings, style_weights=None, features=vgg_features, nice: int = CLASSIC_NICE, **options):
        """features: a picklable function returning the feature network (tests pass a small one)."""
        self._stop = context().Event()
        self._proc, self._conn = spawn(_run, self._stop, os.getpid(), features, nice, photo, paintings, style_weights,
                                       options, name="classic-style", duplex=False)

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def __iter__(self):
        while True:
            try:
                kind, value = self._conn.recv()
            except (EOFError, OSError):
                self._proc.join(2)
                if self.stopped:
                    return  # stopped while it was between messages: nothing more to show
                raise StyleWorkerError("the classic engine stopped unexpectedly (out of memory?); try again, "
                                       "perhaps at a smaller size") from None
            if kind == "error":
                raise value
            if kind == "done":
                return
            yield value

    def stop(self, timeout: float = 1.5) -> None:
        """Ask the run to stop after its current step; end the process if it has not within timeout."""
        self._stop.set()
        end_process(self._proc, timeout)

    def close(self) -> None:
        self.stop(timeout=0.5)
        self._conn.close()


def _run(conn, stop, parent, features, nice, photo, paintings, style_weights, options) -> None:
    """Child process: optimise, sending each picture and its losses back."""
    lower_priority(nice)
    from studio.style.classic import ClassicStylizer

    try:
        stylizer = ClassicStylizer(features())
        run = stylizer(photo, paintings, style_weights,
                       should_stop=lambda: stop.is_set() or os.getppid() != parent, **options)
        for picture in run:
            if not send(conn, ("step", picture)):
                return  # the app stopped listening
        send(conn, ("done", None))
    except Exception as e:  # noqa: BLE001 - carried to the app, which shows or logs it
        send(conn, ("error", carry(e)))
