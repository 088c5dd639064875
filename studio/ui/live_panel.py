"""Live part of the Style tab: the webcam painted as it streams, and whole videos painted steady.

The webcam goes through Gradio's own streaming (`.stream`); each frame is painted by the style
engine's process (studio.style.worker) with the tab's painting(s), strength and colour option,
then steadied here against the previous frame (studio.style.steady). Videos run as
`python -m studio video` in a child process at a lower priority, so the app stays responsive,
progress comes back line by line, and Cancel ends the process.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque

import gradio as gr
import numpy as np
from PIL import Image, ImageDraw

from studio.core import folders, paths
from studio.core.children import Command, studio
from studio.core.errors import public_text
from studio.core.gpu import refused, zero_gpu
from studio.core.inputs import InputError, check_number
from studio.style.steady import Steadier
from studio.style.tensors import fit
from studio.ui.common import as_message, user_errors, warning_line
from studio.ui.state import STYLIZER, VISITORS

LIVE_SIZES = [256, 384, 512]
LIVE_SLOTS = int(os.environ.get("STUDIO_LIVE_SLOTS", 1))  # streams painted at once; more would halve each one's fps
IDLE_S = 3.0  # a stream not heard from for this long has given its slot back
VIDEO_SIZES = ["as the input", "1280", "854", "640"]
VIDEO_NICE = 10  # as the style engine's: the app's own threads come first


class LiveSession:
    """One viewer's stream: its steadier and recent frame times (for the fps readout)."""

    def __init__(self):
        self.steadier = Steadier()
        self.times: deque[float] = deque(maxlen=20)


class LiveSlots:
    """Who is streaming: a viewer past the limit is told so instead of joining a queue that stalls."""

    def __init__(self, slots: int):
        self.slots, self.seen, self._lock = slots, {}, threading.Lock()

    def admit(self, viewer: str) -> bool:
        now = time.monotonic()
        with self._lock:
            self.seen = {k: t for k, t in self.seen.items() if now - t < IDLE_S}
            if viewer not in self.seen and len(self.seen) >= self.slots:
                return False
            self.seen[viewer] = now
            return True


SLOTS = LiveSlots(LIVE_SLOTS)


def _note_on(frame: np.ndarray, text: str) -> np.ndarray:
    """The camera frame, dimmed, with a message on it: the stream keeps showing something true."""
    img = Image.fromarray((frame * 0.35).astype(np.uint8))
    ImageDraw.Draw(img).text((10, 10), text, fill=(255, 255, 255))
    return np.asarray(img)


def live_frame(frame, p1, p2, p3, w1, w2, w3, strength, preserve, size, session, request: gr.Request):
    """One webcam frame -> (painted frame, readout, session)."""
    if frame is None:
        return gr.skip(), gr.skip(), session
    session = session or LiveSession()
    try:  # the stream's inputs are checked per frame like any other input (text from the API too)
        size = check_number("frame size", size, min(LIVE_SIZES), max(LIVE_SIZES), integer=True)
        strength = check_number("strength", strength, 0, 1)
    except InputError as e:
        return _note_on(frame, "Could not paint this frame."), f"⚠️ {e}", session
    viewer = getattr(request, "session_hash", None) or "local"
    if not SLOTS.admit(viewer):
        return (_note_on(frame, "Busy: another visitor is painting live. Try again in a moment."),
                f"**Busy**: all {SLOTS.slots} live slot(s) are taken; videos and photos still work.", session)
    paintings = [(p, w) for p, w in ((p1, w1), (p2, w2), (p3, w3)) if p is not None]
    if not paintings:
        return _note_on(frame, "Upload a painting above to paint the camera."), "Waiting for a painting.", session
    small = np.asarray(fit(Image.fromarray(frame).convert("RGB"), size))
    try:
        painted = STYLIZER.frames()(small, [p for p, _ in paintings], [w for _, w in paintings], strength,
                                 bool(preserve), size)
    except Exception as e:  # noqa: BLE001 - a stream shows what went wrong in place of the picture
        return _note_on(frame, "Could not paint this frame."), f"⚠️ {as_message(e, 'live_frame').message}", session
    out = session.steadier(small, np.asarray(painted))
    session.times.append(time.monotonic())
    fps = (len(session.times) - 1) / max(session.times[-1] - session.times[0], 1e-6) if len(session.times) > 1 else 0
    return out, f"**{fps:.1f} fps** painted at {out.shape[1]} × {out.shape[0]}", session


def _video_command(src, paintings, out, strength, preserve, size, steady) -> list[str]:
    cmd = ["video", str(src), *map(str, paintings), "-o", str(out), "--progress", "jsonl",
           "--strength", repr(check_number("strength", strength, 0, 1))]
    if preserve:
        cmd.append("--preserve-color")
    if size not in (None, "", VIDEO_SIZES[0]):
        cmd += ["--max-size", str(check_number("output size", size, 64, 4096, integer=True))]
    if not steady:
        cmd.append("--no-steady")
    return cmd


def _video_on_gpu(video, paintings, out, strength, preserve, size, steady) -> tuple[str, str] | None:
    """ZeroGPU: the whole video as one decorated call in this process (a GPU cannot reach a child);
    None when it is more work than one call may ask for (it then goes to the CPU, not to an abort)."""
    from studio.style.video import probe
    from studio.core.gpu import fits_one_call
    from studio.style.zero import paint_video_on_gpu, video_seconds

    strength = check_number("strength", strength, 0, 1)
    max_size = None if size in (None, "", VIDEO_SIZES[0]) else int(check_number("output size", size, 64, 4096,
                                                                                 integer=True))
    args = (video, paintings, out, strength, bool(preserve), max_size, bool(steady), probe(video))
    if not fits_one_call(video_seconds(*args)):
        return None
    start = time.monotonic()
    paint_video_on_gpu(*args)
    return str(out), f"Painted on the GPU in {time.monotonic() - start:.0f} s."


@user_errors
def paint_video(video, p1, p2, p3, strength, preserve, size, steady, progress=gr.Progress()):
    """Runs the video job, yielding progress as it goes (so Cancel takes effect between frames),
    then the finished MP4."""
    if video is None:
        raise gr.Error("upload a video first (MP4, WebM, MOV or an animated GIF)", print_exception=False)
    paintings = [p for p in (p1, p2, p3) if p is not None]
    if not paintings:
        raise gr.Error("upload a painting to take the style from", print_exception=False)
    out = folders.VIDEOS.new_path("painted-", ".mp4")
    if zero_gpu():
        try:
            yield gr.skip(), "Painting on the GPU…"
            done = _video_on_gpu(video, paintings, out, strength, preserve, size, steady)
            if done is not None:
                yield done
                return
            gr.Warning("This video is more work than one GPU call may take; it is painted on the CPU, more slowly.")
        except Exception as e:  # noqa: BLE001 - a refusal goes on below, on the CPU; anything else is raised
            if not refused(e):
                raise
            gr.Warning(f"No GPU this time ({str(e)[:200]}); the video is painted on the CPU instead, more slowly.")
    job = Command(studio(*_video_command(video, paintings, out, strength, preserve, size, steady)), nice=VIDEO_NICE,
                  cwd=paths.ROOT)
    start = time.monotonic()
    try:
        progress(0, desc="Reading the video…")
        for line in job.lines():
            try:
                done, total = (lambda d: (d["done"], d["total"]))(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue
            left = (time.monotonic() - start) / done * (total - done)
            text = f"Painting frame {done} of {total}, about {left:.0f} s left"
            progress((done, total), desc=text, unit="frames")
            yield gr.skip(), text
        if job.wait() != 0:
            errors = job.errors()
            raise gr.Error(public_text(errors[-1]) if errors else "the video could not be painted",
                           print_exception=False)
        yield str(out), f"Painted in {time.monotonic() - start:.0f} s."
    finally:
        if job.running():  # cancelled, or the page went away
            job.kill()


VIDEO_TYPES = [".mp4", ".webm", ".mov", ".mkv", ".avi", ".gif", ".m4v"]


def check_video(path):
    """A video slot's change check: one that cannot be painted is taken off the slot (left empty)
    and why is said beside the job's status, once; a good one clears that line."""
    from studio.style.video import VideoError, probe

    if path is None:
        return gr.skip(), gr.skip()
    try:
        probe(path)
    except VideoError as e:
        return None, warning_line(str(e))
    return gr.skip(), ""


def paint_video_or_say(video, p1, p2, p3, strength, preserve, size, steady, progress=gr.Progress()):
    """The page's path: a refusal is one line in the status, and the painted video keeps what it had."""
    try:
        yield from paint_video(video, p1, p2, p3, strength, preserve, size, steady, progress=progress)
    except gr.Error as e:
        yield gr.skip(), warning_line(e.message)


def build(paintings: list, weights: list, strength, preserve) -> dict:
    """Lay out the live section; paintings/weights/strength/preserve are the Style tab's controls."""
    with gr.Accordion("Live: the webcam painted as it streams, and whole videos", open=False):
        with gr.Row():
            with gr.Column(min_width=300):
                cam = gr.Image(sources=["webcam"], streaming=True, type="numpy", label="Webcam", elem_id="live-cam")
                live_size = gr.Radio(LIVE_SIZES, value=384, label="Frame size (long side, px)", elem_id="live-size")
            with gr.Column(min_width=300):
                live_out = gr.Image(label="Painted live", elem_id="live-out", interactive=False, format="jpeg")
                readout = gr.Markdown("Start the webcam; the paintings, strength and colour option above apply.",
                                      elem_id="live-fps")
        with gr.Row():
            with gr.Column(min_width=300):
                # A file slot, not gr.Video: the player's own "Video not playable" pop-up would say a
                # second, framework-worded thing about a file check_video already explains.
                video = gr.File(label="Video (MP4, WebM, MOV, GIF; up to 60 s)", file_types=VIDEO_TYPES,
                                type="filepath", elem_id="video-in", height=120)
                with gr.Row():
                    vsize = gr.Dropdown(VIDEO_SIZES, value=VIDEO_SIZES[0], label="Output size (long side)")
                    steady = gr.Checkbox(True, label="Steady (no flicker)")
                with gr.Row():
                    go = gr.Button("Paint video", variant="primary", elem_id="video-go")
                    cancel = gr.Button("Cancel", variant="stop", elem_id="video-cancel")
            with gr.Column(min_width=300):
                video_out = gr.Video(label="Painted video", interactive=False, elem_id="video-out")
                video_status = gr.Markdown(elem_id="video-status")
    session = gr.State(None)
    cam.stream(live_frame, [cam, *paintings, *weights, strength, preserve, live_size, session],
               [live_out, readout, session], stream_every=0.07, time_limit=600, concurrency_limit=LIVE_SLOTS,
               concurrency_id="live", show_progress="hidden", api_visibility="private")
    video.change(check_video, video, [video, video_status], queue=False, api_visibility="private")
    job_inputs = dict(inputs=[video, *paintings, strength, preserve, vsize, steady], outputs=[video_out, video_status],
                      concurrency_limit=1, concurrency_id="video")
    job = go.click(**VISITORS.fair("video", paint_video_or_say), **job_inputs, api_visibility="private")
    gr.Button(visible=False).click(**VISITORS.fair("video", paint_video), **job_inputs, api_name="paint_video",
                                   api_visibility="undocumented")
    cancel.click(lambda: "Cancelled.", None, video_status, cancels=[job], queue=False, api_visibility="private")
    return {"cam": cam, "live_out": live_out}
