"""Child processes, one way for all: the style engine, the classic engine, video and training jobs.

Heavy work runs in children so that a crash or an out-of-memory kill ends that work only, and
at a lower CPU priority so that the app's own threads (every visitor's slider) come first.

- spawn(): a fresh Python process (multiprocessing "spawn": no copied locks or thread pools)
  with a pipe; its exceptions come back through carry(): a UserError as itself, anything else
  as a RemoteError (internal) holding the child's traceback for the log.
- Command: a `python -m studio ...` child whose stderr is drained as it comes (a full pipe can
  never stall it), stopped with SIGTERM and then a kill.
- Every child is ended when the app exits (atexit), so nothing outlives it.
"""

from __future__ import annotations

import atexit
import collections
import multiprocessing as mp
import os
import pickle
import signal
import subprocess
import sys
import threading
import traceback
import weakref

from studio.core.errors import INTERNAL, UserError

_LIVE: "weakref.WeakSet" = weakref.WeakSet()  # every child not yet ended, for atexit

INTERNAL["RemoteError"] = "a bug inside a child process; carries the child's traceback for the log"


class RemoteError(Exception):
    """An unexpected exception in a child process: internal, never shown as a user mistake."""


def lower_priority(nice: int) -> None:
    """Called in the child: let the app's threads take the CPU first."""
    try:
        os.nice(nice)
    except (OSError, AttributeError):
        pass  # not allowed, or not POSIX: run at normal priority


def carry(exc: BaseException) -> BaseException:
    """What a child sends back for an exception: a UserError as itself when it pickles (the
    person reads its message), anything else as a RemoteError with the child's traceback."""
    if isinstance(exc, UserError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:  # noqa: BLE001 - an odd constructor: keep the message, lose the class
            return UserError(str(exc))
    return RemoteError("".join(traceback.format_exception(exc)).rstrip())


def send(conn, message) -> bool:
    """Send on a pipe; False when the other side has gone."""
    try:
        conn.send(message)
        return True
    except (OSError, EOFError, BrokenPipeError):
        return False


def context():
    return mp.get_context("spawn")


def spawn(target, *args, name: str, duplex: bool = True):
    """Start target(conn, *args) in a fresh process; returns (process, the parent's end of the pipe)."""
    ctx = context()
    parent, child = ctx.Pipe(duplex=duplex)
    proc = ctx.Process(target=target, args=(child, *args), daemon=True, name=name)
    proc.start()
    child.close()
    _LIVE.add(proc)
    return proc, parent


def end_process(proc, timeout: float = 2.0) -> None:
    """End a multiprocessing child: wait `timeout` for it to finish, then kill it."""
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join(1)
    _LIVE.discard(proc)


def studio(*args: str) -> list[str]:
    """The command line of `python -m studio ARGS` in this interpreter."""
    return [sys.executable, "-m", "studio", *args]


CHILD = "STUDIO_CHILD"  # set in every command child: studio.core.gpu then leaves `spaces` unimported


def child_env(env: dict | None = None) -> dict:
    """A command child's environment: no ZeroGPU. A GPU is lent to a decorated call in the app's own
    process only; `spaces` imported in a child would patch its torch and make CUDA look available."""
    env = dict(os.environ if env is None else env)
    env.pop("SPACES_ZERO_GPU", None)
    env[CHILD] = "1"
    return env


class Command:
    """A command (usually studio(...)) in a child process. stdout is a pipe the caller reads (or the
    log file); stderr is drained by a thread into `stderr_lines` (the last 200) and the log file.
    `log` is an open file, or a path the command appends to and closes once the child has ended."""

    def __init__(self, argv: list[str], *, nice: int = 0, log=None, env: dict | None = None, cwd=None,
                 own_session: bool = False, read_stdout: bool = True):
        self._owns_log = isinstance(log, (str, os.PathLike))
        if self._owns_log:
            log = open(log, "a")
        self._log = log
        self.stderr_lines: collections.deque[str] = collections.deque(maxlen=200)
        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=child_env(env), text=True, bufsize=1,
            stdout=subprocess.PIPE if read_stdout else log, stderr=subprocess.PIPE,
            start_new_session=own_session, preexec_fn=(lambda: lower_priority(nice)) if nice else None)
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True, name="child-stderr")
        self._drain.start()
        _LIVE.add(self)

    def _drain_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr_lines.append(line.rstrip("\n"))
            if self._log is not None:
                try:
                    self._log.write(line)
                    self._log.flush()
                except (OSError, ValueError):
                    self._log = None  # the log went away (closed, disk full): keep draining
        if self._owns_log and self._log is not None:
            self._log.close()  # the child has ended: a finished run holds no file open in the app

    def lines(self):
        """stdout, line by line, until the child closes it."""
        yield from self.proc.stdout

    @property
    def pid(self) -> int:
        return self.proc.pid

    def poll(self) -> int | None:
        return self.proc.poll()

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float | None = None) -> int:
        code = self.proc.wait(timeout)
        self._drain.join(2)
        _LIVE.discard(self)
        return code

    def errors(self) -> list[str]:
        """The `error: ...` lines the CLI wrote (its one-line user errors), without the prefix."""
        return [ln[len("error: "):] for ln in self.stderr_lines if ln.startswith("error: ")]

    def stop(self, timeout: float = 10.0) -> bool:
        """SIGTERM, then a kill after `timeout`. True when the child ended by itself in time."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.wait()
            return False

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait()


@atexit.register
def end_all(timeout: float = 5.0) -> None:
    """The app is exiting: no child outlives it (a trainer saves its checkpoint on SIGTERM)."""
    for child in list(_LIVE):
        try:
            if isinstance(child, Command):
                child.stop(timeout)
            else:
                end_process(child, 0.5)
        except Exception:  # noqa: BLE001 - at exit, end what can be ended
            pass
