"""The one line between a person's mistake and the studio's own.

Every error a user can cause (a bad setting, an unreadable upload, a missing checkpoint, a
repo that does not exist) subclasses UserError, and its message is written for that person.
The CLI catches UserError once (one line, exit 2) and the UI once (a message beside the
control). Anything else is an internal error: its traceback goes to the log, the person is
told "internal error (logged)" and the CLI exits 1, so a bug never poses as a user mistake.

Exceptions that are not UserErrors on purpose are listed in INTERNAL with the reason.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

log = logging.getLogger("studio")

INTERNAL_MESSAGE = "internal error (logged)"

# Exception classes defined under studio/ that are deliberately not user errors.
INTERNAL: dict[str, str] = {}


class UserError(Exception):
    """A failure the person can mend: the message says what was wrong and, where it helps, what to do."""


# An absolute path (not the "//" of a URL): its folders go, its last part stays.
_PATH = re.compile(r"(?<![:/\w.])(?:/[\w.\-]+)+/([\w.\-]+)")
_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")


def public_text(text: str) -> str:
    """A message as a visitor may read it: no server folders, no errno numbers."""
    return _ERRNO.sub("", _PATH.sub(r"\1", text))


def internal_message(exc: BaseException) -> str:
    """What a person sees for a bug: the kind of error, never its text (it may hold server paths)."""
    return f"{INTERNAL_MESSAGE}: {type(exc).__name__}"


class StorageError(UserError, OSError):
    """A file could not be read or written (full or read-only disk, no permission); the message names it."""


@contextmanager
def storage(what: str):
    """Turn an OSError inside the block into a StorageError about `what` (a file or folder name)."""
    try:
        yield
    except UserError:
        raise
    except OSError as e:
        raise StorageError(f"could not write {what}: {e.strerror or e}") from e
