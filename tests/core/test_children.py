"""Child processes: stderr drained as it comes, exceptions carried back, every child ended at exit."""

import sys
import time

import pytest

from studio.core import children
from studio.core.children import Command, RemoteError, carry, end_process, send, spawn
from studio.core.errors import UserError
from studio.core.inputs import InputError

pytestmark = pytest.mark.app  # these start real child processes


def test_a_child_that_floods_stderr_never_stalls():
    # 4 MB of stderr before the first stdout line: a pipe read only after stdout ends would fill
    # (64 KB) and the child would block forever.
    code = "import sys; sys.stderr.write('e' * 4_000_000 + '\\nerror: the last word\\n'); print('out')"
    job = Command([sys.executable, "-c", code])
    lines = list(job.lines())
    assert job.wait(timeout=30) == 0 and lines == ["out\n"]
    assert job.errors() == ["the last word"]


def test_stop_asks_with_sigterm_then_kills():
    polite = Command([sys.executable, "-c", "import time\ntry:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    pass"])
    assert polite.running()
    t0 = time.time()
    stubborn = Command([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                                              "print('ready', flush=True); time.sleep(60)"])
    next(stubborn.lines())  # its handler is in place
    assert stubborn.stop(timeout=1) is False and not stubborn.running()
    assert polite.stop(timeout=5) is True and time.time() - t0 < 10


def test_every_child_still_running_is_ended_at_exit():
    job = Command([sys.executable, "-c", "import time; time.sleep(60)"])
    children.end_all(timeout=2)
    assert not job.running()


def _raise(conn, kind):
    try:
        raise InputError("that photo is empty") if kind == "user" else KeyError("slot")
    except Exception as e:  # noqa: BLE001
        send(conn, carry(e))


@pytest.mark.parametrize("kind", ["user", "bug"])
def test_exceptions_come_back_as_user_errors_or_internal_ones(kind):
    proc, conn = spawn(_raise, kind, name="raise")
    exc = conn.recv()
    end_process(proc)
    if kind == "user":
        assert isinstance(exc, InputError) and str(exc) == "that photo is empty"
    else:
        assert isinstance(exc, RemoteError) and not isinstance(exc, UserError)
        assert "KeyError: 'slot'" in str(exc) and "Traceback" in str(exc) and "_raise" in str(exc)


def test_a_log_given_as_a_path_is_closed_once_the_child_ends(tmp_path):
    """The finding: a finished training job's train.log stayed open in the app until the next job."""
    import os

    log = tmp_path / "train.log"
    child = Command([sys.executable, "-c", "import sys; print('out'); sys.stderr.write('err\\n')"], log=log,
                    read_stdout=False)
    child.wait(30)

    def open_in_this_process():
        return [fd for fd in os.listdir("/proc/self/fd") if os.path.realpath(f"/proc/self/fd/{fd}") == str(log)]

    assert open_in_this_process() == []
    assert sorted(log.read_text().split()) == ["err", "out"]  # both streams, in whichever order they landed


@pytest.mark.app
def test_a_spawned_child_does_not_build_the_app_or_import_spaces_again():
    """multiprocessing's spawn runs the parent's main file again in the child, as __mp_main__: app.py
    must then build nothing (no gradio, no `spaces` patching torch, no second generator)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import runpy, sys; runpy.run_path('app.py', run_name='__mp_main__'); "
            "print(*[m in sys.modules for m in ('spaces', 'gradio', 'studio.ui', 'torch')])")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "SPACES_ZERO_GPU": "true"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False"] * 4
