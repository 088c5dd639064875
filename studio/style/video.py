"""Videos in the style of a painting: decode, paint every frame, keep it steady, encode.

    job = VideoStylizer(FastStylizer.load())
    info = job(src, [painting], out_mp4, strength=1.0, progress=lambda done, total: ...)

PyAV (FFmpeg's libraries, bundled in its wheels) reads MP4, WebM, MOV, MKV and animated GIF and
writes H.264 in yuv420p with AAC audio: an MP4 that plays in every browser. The output keeps
the input's frame count, frame rate and (by default) size; an odd width or height loses one
pixel, since yuv420p needs even sizes. The audio track is re-encoded to AAC (MP4 cannot hold
every codec a WebM or MOV brings).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from studio.core.imageio import ImageInputError
from studio.core.inputs import check_number
from studio.style.steady import Steadier
from studio.style.tensors import MAX_OUTPUT, preserve_colors, to_image, to_tensor

MAX_SECONDS = float(os.environ.get("STUDIO_VIDEO_MAX_SECONDS", 60))
MAX_FPS = 120
# Checked from the header, before a frame is decoded: each decoded frame costs w*h*3 bytes and
# more in the engine. 4K UHD passes; an 8000 x 8000 frame (a 189 KB file can hold one) does not.
MAX_FRAME_PIXELS = 3840 * 2160
# The painting work of a whole video, frames x output pixels: 60 s at 30 fps in 1080p.
MAX_VIDEO_PIXELS = 60 * 30 * 1920 * 1080


class VideoError(ImageInputError):
    """A video cannot be used; the message is meant for the person who supplied it."""


@dataclass
class VideoInfo:
    width: int
    height: int
    fps: Fraction
    frames: int
    seconds: float
    has_audio: bool


def probe(path, max_seconds: float = MAX_SECONDS) -> VideoInfo:
    """Read a video's header (and count its frames when the header does not say): refuses what
    cannot be processed with a message."""
    import av

    container = _open(path)
    try:
        if not container.streams.video:
            raise VideoError("the file has no video stream (is it an audio file?)")
        stream = container.streams.video[0]
        fps = stream.average_rate or stream.guessed_rate or Fraction(25)
        if not 0 < fps <= MAX_FPS:
            raise VideoError(f"the video's frame rate ({float(fps):.3g} fps) is not one this app can write")
        w, h = stream.codec_context.width, stream.codec_context.height
        if w * h > MAX_FRAME_PIXELS:
            raise VideoError(f"the video's frames are {w}x{h}; the limit is {MAX_FRAME_PIXELS:,} pixels a frame "
                             "(3840x2160): scale it down first")
        seconds = float(container.duration / av.time_base) if container.duration else None
        frames = stream.frames or 0
        if seconds is not None and seconds > max_seconds + 0.5:
            raise VideoError(f"the video is {seconds:.0f} s long; the limit is {max_seconds:.0f} s (trim it first)")
        if not frames:  # not in the header (GIF, some WebM): count by decoding, bounded by the limit
            for frames, _ in enumerate(_frames(container, stream), 1):
                if frames > max_seconds * float(fps) + 1:
                    raise VideoError(f"the video is longer than the limit of {max_seconds:.0f} s (trim it first)")
        if frames == 0:
            raise VideoError("the video has no frames")
        seconds = seconds or frames / float(fps)
        if seconds > max_seconds + 0.5:
            raise VideoError(f"the video is {seconds:.0f} s long; the limit is {max_seconds:.0f} s (trim it first)")
        return VideoInfo(stream.codec_context.width, stream.codec_context.height, fps, frames, seconds,
                         bool(container.streams.audio))
    except av.FFmpegError as e:
        raise VideoError(f"the video is damaged or truncated and cannot be decoded ({_why(e)})") from None
    finally:
        container.close()


def _open(path):
    import av

    try:
        return av.open(str(path))
    except FileNotFoundError:
        raise VideoError(f"no such file: {Path(path).name}") from None
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as e:
        raise VideoError(f"the file is not a video this app can read (MP4, WebM, MOV, GIF): {_why(e)}") from None


def _why(e: Exception) -> str:
    """FFmpeg's reason in words, without its error number or the file's path."""
    return getattr(e, "strerror", None) or str(e)


def _frames(container, stream):
    for packet in container.demux(stream):
        yield from packet.decode()


def output_size(info: VideoInfo, max_size: int | None) -> tuple[int, int]:
    """The input's size (or fitted to max_size on the long side), rounded down to even numbers."""
    w, h = info.width, info.height
    if max_size and max(w, h) > max_size:
        scale = max_size / max(w, h)
        w, h = round(w * scale), round(h * scale)
    return max(2, w - w % 2), max(2, h - h % 2)


class VideoStylizer:
    """Paints a video with a FastStylizer (or anything with its style_code/stylize_tensor)."""

    def __init__(self, stylizer):
        self.stylizer = stylizer

    def __call__(self, src, paintings, out, strength: float = 1.0, preserve_color: bool = False,
                 max_size: int | None = None, steady: bool = True, png_dir=None, max_seconds: float = MAX_SECONDS,
                 progress=lambda done, total: None, should_stop=lambda: False, info: VideoInfo | None = None
                 ) -> VideoInfo:
        """info: probe(src)'s answer when the caller already has it (a GIF is decoded once to count it)."""
        import av

        strength = check_number("strength", strength, 0.0, 1.0)
        if max_size is not None:
            max_size = int(check_number("max size", max_size, 64, MAX_OUTPUT, integer=True))
        info = info or probe(src, max_seconds)
        code = self.stylizer.mixed_code(paintings)  # each painting encoded once for the whole video
        size = output_size(info, max_size)
        if info.frames * size[0] * size[1] > MAX_VIDEO_PIXELS:
            raise VideoError(f"{info.frames} frames at {size[0]}x{size[1]} is more painting than one job may take "
                             f"(a minute of 1080p at 30 fps): pick a smaller output size or a shorter clip")
        steadier = Steadier() if steady else None
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if png_dir is not None:
            Path(png_dir).mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.stem}.{os.getpid()}.part.mp4")
        src_c, dst = _open(src), av.open(str(tmp), "w", format="mp4")
        try:
            vin = src_c.streams.video[0]
            vout = dst.add_stream("libx264", rate=info.fps)
            vout.width, vout.height, vout.pix_fmt = size[0], size[1], "yuv420p"
            vout.options = {"crf": "18", "preset": "veryfast"}
            aout = dst.add_stream("aac", rate=48000) if info.has_audio else None
            done = 0
            for frame in _frames(src_c, vin):
                if should_stop():
                    raise InterruptedError("stopped")
                rgb = frame.to_ndarray(format="rgb24")
                if (rgb.shape[1], rgb.shape[0]) != size:
                    rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.LANCZOS))
                x = to_tensor(Image.fromarray(rgb)).to(getattr(self.stylizer, "device", "cpu"))
                painted = self.stylizer.stylize_tensor(x, code, strength)
                painted = np.asarray(to_image((preserve_colors(painted, x) if preserve_color else painted).cpu()))
                if steadier is not None:
                    painted = steadier(rgb, painted)
                done += 1
                if png_dir is not None:
                    Image.fromarray(painted).save(Path(png_dir) / f"frame_{done:06d}.png")
                vf = av.VideoFrame.from_ndarray(painted, format="rgb24")
                vf.pts = done - 1
                vf.time_base = 1 / info.fps
                for packet in vout.encode(vf):
                    dst.mux(packet)
                progress(done, info.frames)
            for packet in vout.encode(None):
                dst.mux(packet)
            if aout is not None:
                _copy_audio(str(src), dst, aout)
        except BaseException as e:
            src_c.close()
            dst.close()
            tmp.unlink(missing_ok=True)  # never leave half a video behind
            if isinstance(e, av.FFmpegError):
                raise VideoError(f"the video could not be decoded to the end ({_why(e)})") from None
            raise
        src_c.close()
        dst.close()
        if done == 0:
            tmp.unlink(missing_ok=True)
            raise VideoError("the video has no frames")
        os.replace(tmp, out)
        info.frames = done
        return info


def _copy_audio(src: str, dst, aout) -> None:
    """Decode the first audio track and encode it as AAC into dst."""
    import av

    with av.open(src) as c:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
        for frame in c.decode(c.streams.audio[0]):
            for converted in resampler.resample(frame):
                for packet in aout.encode(converted):
                    dst.mux(packet)
        for converted in resampler.resample(None):
            for packet in aout.encode(converted):
                dst.mux(packet)
        for packet in aout.encode(None):
            dst.mux(packet)
