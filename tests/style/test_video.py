"""Videos round trip: frames, rate, size and audio kept; every kind of bad file gets a message."""

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clips import pan_frames, write_video
from studio.style.video import VideoError, VideoStylizer, probe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def painter(fast_stylizer):
    return VideoStylizer(fast_stylizer)


@pytest.fixture(scope="module")
def clip(tmp_path_factory, photos):
    path = tmp_path_factory.mktemp("clips") / "pan.mp4"
    write_video(path, pan_frames(photos[0], count=18, size=(160, 120)), fps=15, audio_seconds=1.2)
    return path


def test_round_trip_keeps_frames_rate_size_and_audio(painter, clip, paintings, tmp_path):
    out = tmp_path / "painted.mp4"
    seen = []
    info = painter(clip, [paintings[0]], out, progress=lambda done, total: seen.append((done, total)))
    got = probe(out)
    assert (got.frames, got.fps, got.width, got.height, got.has_audio) == (18, Fraction(15), 160, 120, True)
    assert info.frames == 18 and seen[-1] == (18, 18) and len(seen) == 18
    import av

    with av.open(str(out)) as c:
        v = c.streams.video[0]
        assert v.codec_context.name == "h264" and v.codec_context.pix_fmt == "yuv420p"
        assert c.streams.audio[0].codec_context.name == "aac"


def test_gif_input_odd_size_max_size_and_png_frames(painter, photos, paintings, tmp_path):
    gif = tmp_path / "anim.gif"
    frames = [Image.fromarray(f) for f in pan_frames(photos[1], count=6, size=(101, 75), noise=0)]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = tmp_path / "gif.mp4"
    painter(gif, [paintings[0]], out, png_dir=tmp_path / "frames", steady=False)
    got = probe(out)
    assert got.frames == 6 and (got.width, got.height) == (100, 74)  # yuv420p needs even sizes
    assert abs(float(got.fps) - 10) < 0.5
    names = sorted(p.name for p in (tmp_path / "frames").iterdir())
    assert names == [f"frame_{i:06d}.png" for i in range(1, 7)]
    assert Image.open(tmp_path / "frames" / names[0]).size == (100, 74)
    painter(gif, [paintings[0]], tmp_path / "small.mp4", max_size=64)
    assert max(probe(tmp_path / "small.mp4").width, probe(tmp_path / "small.mp4").height) == 64


def test_bad_videos_get_messages(tmp_path, painter, paintings):
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000))
    with pytest.raises(VideoError, match="not a video this app can read|damaged"):
        probe(corrupt)
    import av

    audio_only = tmp_path / "tone.m4a"
    with av.open(str(audio_only), "w") as c:
        a = c.add_stream("aac", rate=44100)
        af = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        af.sample_rate = 44100
        for packet in list(a.encode(af)) + list(a.encode(None)):
            c.mux(packet)
    with pytest.raises(VideoError, match="no video stream"):
        probe(audio_only)
    empty = tmp_path / "empty.avi"  # a video stream with no frame in it
    with av.open(str(empty), "w", format="avi") as c:
        v = c.add_stream("mpeg4", rate=24)
        v.width, v.height, v.pix_fmt = 64, 64, "yuv420p"
        c.start_encoding()
    with pytest.raises(VideoError, match="has no frames"):
        probe(empty)
    long = tmp_path / "long.mp4"
    write_video(long, [np.zeros((32, 32, 3), np.uint8)] * 40, fps=10)
    with pytest.raises(VideoError, match="limit is 2 s"):
        probe(long, max_seconds=2)
    with pytest.raises(VideoError, match="limit"):
        painter(long, [paintings[0]], tmp_path / "x.mp4", max_seconds=2)
    assert not (tmp_path / "x.mp4").exists()


@pytest.mark.app
def test_cli_video_and_bad_input(clip, paintings, tmp_path):
    env = {**os.environ}
    r = subprocess.run([sys.executable, "-m", "studio", "video", str(clip), str(paintings[0]), "-o",
                        str(tmp_path / "o.mp4"), "--max-size", "96", "--no-steady"], capture_output=True, text=True,
                       cwd=ROOT, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert probe(tmp_path / "o.mp4").frames == 18
    bad = tmp_path / "bad.mov"
    bad.write_text("not a video")
    r = subprocess.run([sys.executable, "-m", "studio", "video", str(bad), str(paintings[0]), "-o",
                        str(tmp_path / "b.mp4")], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert r.returncode == 2 and "not a video this app can read" in r.stderr and "Traceback" not in r.stderr


def test_frames_over_4k_are_refused_from_the_header(tmp_path):
    """The finding: a one-frame 8000 x 8000 video (a few KB) grew the video process past 7 GB."""
    from studio.ui.testing import one_frame_video

    path = tmp_path / "huge.mp4"
    one_frame_video(path, 8000)
    assert path.stat().st_size < 200_000
    with pytest.raises(VideoError, match="frames are 8000x8000; the limit is 8,294,400 pixels a frame"):
        probe(path)


def test_a_job_over_the_painting_budget_is_refused_before_it_starts(clip, tmp_path, monkeypatch, paintings):
    import studio.style.video as video

    src = clip
    monkeypatch.setattr(video, "MAX_VIDEO_PIXELS", 1000)

    class NoEngine:
        def mixed_code(self, paintings):
            return None

    with pytest.raises(VideoError, match="more painting than one job may take"):
        VideoStylizer(NoEngine())(src, [paintings[0]], tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_messages_about_bad_videos_hold_no_server_path_or_errno(tmp_path):
    bad = tmp_path / "upload.mp4"
    bad.write_bytes(b"not a video" * 100)
    with pytest.raises(VideoError) as raised:
        probe(bad)
    assert "Errno" not in str(raised.value) and str(tmp_path) not in str(raised.value)
    assert "Invalid data found when processing input" in str(raised.value)
    with pytest.raises(VideoError, match="^no such file: gone.mp4$"):
        probe(tmp_path / "gone.mp4")
