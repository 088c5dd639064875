"""Who is asking: each visitor's generator, training runs and share of the machine are their own.

A visitor is one browser (a random id kept in its localStorage through gr.BrowserState, so a
reload finds the same runs) or one API client (its Gradio session). Handlers ask `VISITORS` for
the visitor's generator or job runner; the request comes from Gradio's event context, so the
handlers' signatures (the public API's inputs) stay as they are. Called outside an event (the
tests, a script), everything belongs to one local visitor.
"""

from __future__ import annotations

import functools
import inspect
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
from gradio.blocks import Block

from studio.core.errors import UserError
from studio.core.gpu import zero_gpu
from studio.core.limits import max_jobs, public, share
from studio.training.burst_jobs import job_runner
from studio.training.jobs import JobRunner

LOCAL = "local"
ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
NOUNS = {"stylize": "paintings", "twin": "twin searches", "video": "videos", "load": "generator loads",
         "train": "training starts"}
IDLE_S = 24 * 3600  # a visitor with no running job is forgotten after a day (their runs age out too)
MAX_VISITORS = 10_000  # past it the least recently seen (with no running job) are forgotten first


class Busy(UserError, RuntimeError):
    """A visitor asked for more than their share; the message says when to try again."""


def current_request():
    """The request of the event being handled, or None outside one. Gradio keeps it in a context
    variable for every handler (queued, direct and validators alike)."""
    from gradio.context import LocalContext

    return LocalContext.request.get(None)


@dataclass
class Visitor:
    key: str
    jobs: JobRunner
    generator: object | None = None  # their own GeneratorSlot; None: the app's default
    unloaded: bool = False  # their generator made room for others' (said in the status line)
    runs: set[str] = field(default_factory=set)  # run folders they started
    seen: float = field(default_factory=time.monotonic)
    waiting: dict[str, deque] = field(default_factory=dict)  # kind -> admission times not yet served
    started: dict[str, deque] = field(default_factory=dict)  # kind -> admission times in the last minute


class Visitors:
    def __init__(self, default, runs_root: Path | None = None, max_generators: int | None = None):
        self.default = default  # the app's GeneratorSlot: changed only by the owner, at launch
        self._copy = type(default).like  # a visitor's own slot starts as a copy of the default
        self.runs_root = runs_root
        self.max_generators = max_generators or (16 if public() else 64)
        self._lock = threading.RLock()
        self._visitors: dict[str, Visitor] = {}
        self._sessions: dict[str, str] = {}  # Gradio session -> visitor key
        self._owners: OrderedDict[str, None] = OrderedDict()  # keys holding a generator, least recent first
        self._swept = 0.0  # when idle visitors were last looked for

    # -- who ---------------------------------------------------------------------------------
    def arrive(self, stored: str | None) -> str:
        """The page's load event: tie this session to the browser's visitor id (made on the
        first visit) and return it for the browser to keep."""
        request = current_request()
        vid = stored if isinstance(stored, str) and ID.fullmatch(stored) else secrets.token_urlsafe(16)
        if request is not None and request.session_hash:
            with self._lock:
                self._sessions[request.session_hash] = "b:" + vid
        return vid

    def leave(self) -> None:
        """The page closed: its session goes; the visitor (and their runs) stays for a reload."""
        request = current_request()
        if request is not None and request.session_hash:
            with self._lock:
                self._sessions.pop(request.session_hash, None)

    def key(self) -> str:
        request = current_request()
        if request is None or not request.session_hash:
            return LOCAL
        # Namespaced: a client choosing its session id cannot take a browser's visitor id.
        return self._sessions.get(request.session_hash) or "s:" + request.session_hash

    def current(self) -> Visitor:
        return self._visitor(self.key())

    def _visitor(self, key: str) -> Visitor:
        with self._lock:
            visitor = self._visitors.get(key)
            if visitor is None:
                self._forget_idle()
                visitor = self._visitors[key] = Visitor(key, job_runner(self.runs_root, zero_gpu()))
            visitor.seen = time.monotonic()
            return visitor

    def _forget_idle(self) -> None:
        """A day without a visit, or past MAX_VISITORS (API clients make a visitor per session)."""
        now = time.monotonic()
        if len(self._visitors) < MAX_VISITORS and now - self._swept < 60:
            return
        self._swept = now
        idle = sorted((v for v in self._visitors.values() if not v.jobs.running()), key=lambda v: v.seen)
        excess = len(self._visitors) - MAX_VISITORS + 1
        for i, visitor in enumerate(idle):
            if visitor.seen >= now - IDLE_S and i >= excess:
                break
            self._drop_generator(self._visitors.pop(visitor.key))

    # -- generators --------------------------------------------------------------------------
    def generator(self):
        """The slot Digits draws with for this visitor: their own, or the app's default."""
        return self.current().generator or self.default

    def own_generator(self):
        """This visitor's own slot (made from the default), most recently used; the least
        recently used visitor's goes back to the default past `max_generators`."""
        visitor = self.current()
        with self._lock:
            if visitor.generator is None:
                visitor.generator = self._copy(self.default)
            visitor.unloaded = False
            self._owners[visitor.key] = None
            self._owners.move_to_end(visitor.key)
            while len(self._owners) > self.max_generators:
                self._drop_generator(self._visitors[next(iter(self._owners))], unloaded=True)
            return visitor.generator

    def _drop_generator(self, visitor: Visitor, unloaded: bool = False) -> None:
        self._owners.pop(visitor.key, None)
        if visitor.generator is not None:
            visitor.generator, visitor.unloaded = None, unloaded

    def describe(self) -> str:
        visitor = self.current()
        note = ("  \n⚠️ Your generator was unloaded to make room for other visitors': load it again."
                if visitor.unloaded else "")
        return self.generator().describe() + note

    # -- jobs --------------------------------------------------------------------------------
    def jobs(self) -> JobRunner:
        """This visitor's training job. On your own machine there is one owner: every browser and
        client sees the same job (its runs are all listed too); on a public deployment each visitor
        has their own."""
        return (self.current() if public() else self._visitor(LOCAL)).jobs

    def running_jobs(self) -> list[JobRunner]:
        with self._lock:
            return [v.jobs for v in self._visitors.values() if v.jobs.running()]

    def runs_in_use(self) -> set[str]:
        """Run folder names of every running job (kept by the disk pruner)."""
        return {j.run_dir.name for j in self.running_jobs() if j.run_dir is not None}

    def room_for_a_job(self) -> None:
        limit = max_jobs()
        others = [j for j in self.running_jobs() if j is not self.jobs()]
        if len(others) >= limit:
            raise Busy(f"the trainer is busy with {len(others)} other visitor's run{'s' * (len(others) > 1)} "
                       f"(at most {limit} at a time here): try again in a few minutes")

    def note_run(self, run_dir: Path) -> None:
        self.current().runs.add(Path(run_dir).name)

    def own_runs(self) -> set[str]:
        return set(self.current().runs)

    # -- fair use ----------------------------------------------------------------------------
    def admit(self, kind: str) -> None:
        """Count one `kind` request for this visitor, or raise Busy past their share here."""
        bound = share(kind)
        if bound is None:
            return
        visitor, now = self.current(), time.monotonic()
        with self._lock:
            waiting = visitor.waiting.setdefault(kind, deque())
            while waiting and waiting[0] <= now - bound.lost_after_s:
                waiting.popleft()
            started = visitor.started.setdefault(kind, deque())
            while started and started[0] <= now - 60:
                started.popleft()
            if len(waiting) >= bound.waiting:
                raise Busy(f"busy: you have {len(waiting)} {NOUNS[kind]} waiting or running, the most each visitor "
                           f"may have here; try again when {'it ends' if len(waiting) == 1 else 'one ends'}")
            if len(started) >= bound.per_minute:
                raise Busy(f"busy: at most {bound.per_minute:.0f} {NOUNS[kind]} a minute for each visitor here; "
                           f"try again in {started[0] + 60 - now:.0f} s")
            waiting.append(now)
            started.append(now)

    def release(self, kind: str) -> None:
        """One admitted `kind` request of this visitor has ended."""
        visitor = self.current()
        with self._lock:
            waiting = visitor.waiting.get(kind)
            if waiting:
                waiting.popleft()

    def gate(self, kind: str):
        """An event validator: refuses a request past the visitor's share before it is queued,
        so that a burst never takes the queue's places from other visitors."""

        def validator(*args):
            try:
                self.admit(kind)
                verdict = gr.validate(True, "")
            except Busy as e:
                verdict = gr.validate(False, str(e))
            # One verdict per input, the first carrying the message (a set of inputs arrives as one dict).
            if len(args) == 1 and isinstance(args[0], dict) and all(isinstance(c, Block) for c in args[0]):
                return {c: (verdict if i == 0 else gr.validate(True, "")) for i, c in enumerate(args[0])}
            return [verdict, *[gr.validate(True, "")] * (len(args) - 1)]

        return validator

    def served(self, kind: str):
        """Wrap a handler whose requests pass gate(kind): its end releases the visitor's place."""

        def wrap(fn):
            if inspect.isgeneratorfunction(fn):
                @functools.wraps(fn)
                def stream(*args, **kwargs):
                    try:
                        yield from fn(*args, **kwargs)
                    finally:
                        self.release(kind)

                return stream

            @functools.wraps(fn)
            def call(*args, **kwargs):
                try:
                    return fn(*args, **kwargs)
                finally:
                    self.release(kind)

            return call

        return wrap

    def fair(self, kind: str, fn, before_queue: bool = True) -> dict:
        """An event's fn (and validator) for heavy work: `btn.click(**VISITORS.fair("stylize", f), ...)`.
        before_queue=False counts the request when it runs instead: for events with an image
        editor among their inputs, whose upload Gradio hands to the validator and then forgets."""
        if before_queue:
            return dict(fn=self.served(kind)(fn), validator=self.gate(kind))

        @functools.wraps(fn)
        def admitted(*args, **kwargs):
            try:
                self.admit(kind)
            except Busy as e:
                raise gr.Error(str(e), print_exception=False) from None
            try:
                return fn(*args, **kwargs)
            finally:
                self.release(kind)

        return dict(fn=admitted)
