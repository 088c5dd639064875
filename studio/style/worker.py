"""The fast style engine in a child process with a lower CPU priority.

A stylisation keeps both cores busy for a fraction of a second. Inside the app's process it
would delay every other visitor's slider moves (bench/load.py measured that); in a child with a
higher nice value the kernel serves the app's own threads first. A crash there, such as being
killed for memory on a huge image, leaves the app running and the next call starts a new child.

    worker = StyleWorker()                      # same arguments as FastStylizer.load
    out = worker(photo, [painting], strength=0.7)   # same call as FastStylizer
    data = worker.png(photo, [painting])        # the same picture as PNG bytes, encoded in the child
"""

from __future__ import annotations

import threading

from studio.core.children import carry, end_process, lower_priority, send, spawn
from studio.core.errors import UserError

NICE = 10  # the app's threads get about 9 of every 10 CPU slices when both want the core


class StyleWorkerError(UserError, RuntimeError):
    """The child process died or could not start; the message is meant for the user."""


class StyleWorker:
    def __init__(self, weights_dir=None, allow_download: bool = True, nice: int = NICE):
        self._args = (weights_dir, allow_download, nice)
        self._lock = threading.Lock()  # one request at a time: the child uses both cores for each
        self._proc = None
        self._conn = None
        with self._lock:
            self._start()

    def _start(self) -> None:
        proc, conn = spawn(_serve, *self._args, name="style-worker")
        try:
            ok, value = conn.recv()  # the child reports once the weights are loaded
        except EOFError:
            end_process(proc, 5)
            raise StyleWorkerError(f"the style engine process exited while starting (code {proc.exitcode})") from None
        if not ok:
            end_process(proc, 5)
            raise value
        self._proc, self._conn = proc, conn

    def __call__(self, *args, **kwargs):
        return self._ask(args, kwargs, as_png=False)

    def png(self, *args, **kwargs) -> bytes:
        """Like calling the worker, but the picture comes back PNG-encoded (fast zlib level): the
        encoding then costs the child's lower-priority CPU, not the app's (bench/load.py measured
        the app's default PNG encoding as half of its own CPU time under load)."""
        return self._ask(args, kwargs, as_png=True)

    def _ask(self, args, kwargs, as_png: bool):
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._start()
            try:
                self._conn.send((args, kwargs, as_png))
                ok, value = self._conn.recv()
            except (EOFError, OSError):
                self._stop()
                raise StyleWorkerError("the style engine stopped unexpectedly (out of memory?); it restarts on the "
                                       "next try, perhaps with a smaller output size") from None
        if not ok:
            raise value
        return value

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()  # the child's recv() ends and it returns
        if self._proc is not None:
            end_process(self._proc, 2)
        self._proc = self._conn = None

    def close(self) -> None:
        with self._lock:
            self._stop()


def _serve(conn, weights_dir, allow_download, nice) -> None:
    """Child process: load the engine, then answer requests until the app closes the pipe."""
    lower_priority(nice)
    from studio.core.images import png_bytes
    from studio.style.fast import FastStylizer

    try:
        stylizer = FastStylizer.load(weights_dir, allow_download)
    except Exception as e:  # noqa: BLE001 - carried to the app, which shows or logs it
        send(conn, (False, carry(e)))
        return
    send(conn, (True, None))
    while True:
        try:
            args, kwargs, as_png = conn.recv()
        except (EOFError, OSError):
            return  # the app went away
        try:
            picture = stylizer(*args, **kwargs)
            reply = (True, png_bytes(picture, compress_level=1) if as_png else picture)
        except Exception as e:  # noqa: BLE001 - carried to the app, which decides what to show
            reply = (False, carry(e))
        if not send(conn, reply):
            return
