"""Helpers every tab uses: turning user errors into messages, and images into HTML."""

from __future__ import annotations

import base64
import functools
import inspect
import logging
from pathlib import Path

import gradio as gr
from PIL import Image

from studio.core.errors import UserError, internal_message, public_text
from studio.core.images import png_bytes

log = logging.getLogger("studio.ui")


def one_thread(fn):
    """Run fn with one torch thread. The digit generator is tiny: a second thread only adds
    hand-over cost and takes a core from other visitors (bench/load.py: 14 instead of 21 ms of
    server CPU per slider move). Under OpenMP the setting belongs to the calling thread, so
    handlers running at the same time keep theirs."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(before)

    return wrapper


def as_message(e: Exception, where: str) -> gr.Error:
    """The UI's one translation of an exception: a UserError's own message, or for anything
    else (a bug) "internal error (logged)" with the traceback in the server log."""
    if isinstance(e, gr.Error):
        return e
    if isinstance(e, UserError):
        return gr.Error(public_text(str(e)), print_exception=False)
    log.error("internal error in %s", where, exc_info=e)
    return gr.Error(internal_message(e), print_exception=False)


def user_errors(fn):
    """Wrap a handler so that whatever it raises reaches the person through as_message();
    generator handlers (progress, streaming) are wrapped as generators."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as e:  # keep serving whatever happened
                raise as_message(e, fn.__name__) from None

        return stream

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # keep serving whatever happened
            raise as_message(e, fn.__name__) from None

    return wrapper


def said(fn):
    """A handler whose one output is a message line: a refusal becomes that line ("⚠️ ..."), read
    beside the button, and no component is marked as failed. (Its public API twin, if any, raises.)"""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error as e:
            return warning_line(e.message)

    return wrapper


def img_html(img: Image.Image, size: int, alt: str, fmt: str = "png") -> str:
    """Inline the picture as a data URL: no temporary file, no second request from the
    browser, and the browser scales it with crisp pixels."""
    if fmt == "png":
        data = png_bytes(img)
    else:
        data = img  # already encoded bytes (a GIF)
    b64 = base64.b64encode(data).decode()
    return (f'<img src="data:image/{fmt};base64,{b64}" alt="{alt}" width="{size}" height="{size}" '
            f'style="image-rendering: pixelated; width: {size}px; height: {size}px; display: block; margin: auto;">')


class UploadImage(gr.Image):
    """gr.Image that passes the uploaded file's path through untouched, so the studio's own
    reader (studio.core.imageio) validates it and explains what is wrong with a bad file,
    rather than Gradio failing inside its preprocessing."""

    is_template = True  # render with the stock Image component in the browser
    # No __init__ override: Gradio builds the component's browser config from __init__'s signature.

    def preprocess(self, payload):
        if payload is None:
            return None
        if payload.path is None:  # a data URL: let Gradio decode it
            return super().preprocess(payload)
        return str(payload.path)


class EncodedImage(gr.Image):
    """gr.Image that also takes an already encoded PNG (bytes) and stores it as it is: the
    style engine's process encodes it, so the app's own CPU does not (half of it under load)."""

    is_template = True

    def postprocess(self, value):
        if not isinstance(value, bytes):
            return super().postprocess(value)
        from gradio.data_classes import ImageData
        from gradio.processing_utils import hash_bytes

        from studio.core.files import atomic_write_bytes

        # Named by its content: the same picture painted twice (a burst, two visitors) has one path,
        # which may be streaming to a browser right now. Rewriting it in place truncated it under
        # that download (h11: "Too little data for declared Content-Length"), so it is written once,
        # whole, and then left alone.
        path = Path(self.GRADIO_CACHE) / hash_bytes(value) / "image.png"
        if not (path.is_file() and path.stat().st_size == len(value)):
            atomic_write_bytes(path, value)
        return ImageData(path=str(path), orig_name=path.name)


class Slider(gr.Slider):
    """A slider whose value reaches the studio function unchecked: the studio's validators
    (finite, in range, whole where needed) then answer bad API input with a message that
    names the control, instead of Gradio failing on a string or NaN."""

    is_template = True

    def preprocess(self, payload):
        return payload


class Number(gr.Number):
    """A number box handled like Slider above (no rounding or bounds in Gradio)."""

    is_template = True

    def preprocess(self, payload):
        return payload


class SafeEditor(gr.ImageEditor):
    """gr.ImageEditor whose layers, when they cannot be read (a background set from a file that is
    not a picture), reach the handler as "nothing painted" instead of failing Gradio's preprocessing,
    which would break every later event that reads the editor."""

    is_template = True

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except Exception:  # noqa: BLE001 - any unreadable layer: the editor holds nothing usable
            log.warning("an image editor's layers could not be read; taken as empty")
            return None


def readable(path) -> bool:
    """Can the studio's own reader use this upload?"""
    from studio.core.imageio import ImageInputError, open_image

    try:
        open_image(path)
        return True
    except ImageInputError:
        return False


def check_upload(what: str):
    """A picture slot's change check: a file that is not a usable picture is taken off its slot (left
    empty, never broken) and one line beside it says why; a good one clears that line, and an
    emptied slot leaves it (it may be saying why the slot was emptied)."""
    from studio.core.imageio import ImageInputError, open_image

    def check(path):
        if path is None:
            return gr.skip(), gr.skip()
        try:
            open_image(path, what)
        except ImageInputError as e:
            return None, warning_line(str(e))
        return gr.skip(), ""

    return check


def sentence(text: str) -> str:
    """A message as a sentence: capital first letter, full stop."""
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


def warning_line(message: str) -> str:
    """The one form of a line that says what went wrong beside a control: a warning sign, then the
    message as a sentence, without server paths."""
    return f"⚠️ {sentence(public_text(message))}"


def upload_image(label: str, **kwargs) -> UploadImage:
    return UploadImage(label=label, type="filepath", sources=["upload", "clipboard"], **kwargs)
