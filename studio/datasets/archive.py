"""Unpacking an uploaded zip of pictures, which is hostile until proven otherwise.

Every entry is checked before anything is written: a name that would land outside the folder
(`../`, an absolute path, a drive letter), a link or a device refuses the whole archive, as do too
many entries or too many bytes once unpacked (a decompression bomb declares a small size or a huge
ratio). Only picture files are written, each read with a byte cap (the declared size is not
trusted), under the folder given; anything else is listed as skipped.

    report = unpack("upload.zip", run / "data")   # -> Unpacked(root, written, skipped)
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from studio.core.inputs import InputError

MAX_ARCHIVE_BYTES = 512 * 2**20  # the zip itself
MAX_ENTRIES = 20_000  # OpenMoji is 4,486 pictures; MNIST as PNGs 70,000 would be refused: use torchvision:MNIST
MAX_UNPACKED_BYTES = 2 * 2**30  # all pictures together, as declared and as read
MAX_RATIO = 200  # uncompressed / compressed of one entry: PNGs and JPEGs barely compress; a bomb is 1000x
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


class ArchiveError(InputError):
    """The archive is refused as a whole; the message says which entry and why."""


@dataclass
class Unpacked:
    root: Path
    written: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry name, why)


def _check_name(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise ArchiveError(f"the archive was refused: entry {info.filename!r} would land outside its folder")
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)  # zero when the archiver wrote permissions only
    if info.create_system == 3 and kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = "a link" if stat.S_ISLNK(mode) else "not a plain file"
        raise ArchiveError(f"the archive was refused: entry {info.filename!r} is {kind}")
    return path


def check(zf: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Every entry's name, kind and size checked; the picture entries to write."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ArchiveError(f"the archive holds {len(infos):,} entries; at most {MAX_ENTRIES:,} are taken "
                           "(for a bigger set, use a folder on your own machine)")
    declared, keep = 0, []
    for info in infos:
        path = _check_name(info)
        if info.is_dir():
            continue
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
            raise ArchiveError(f"the archive was refused: entry {info.filename!r} unpacks to "
                               f"{info.file_size / info.compress_size:,.0f} times its size (a decompression bomb?)")
        declared += info.file_size
        if declared > MAX_UNPACKED_BYTES:
            raise ArchiveError(f"the archive would unpack to more than {MAX_UNPACKED_BYTES // 2**30} GB")
        keep.append((info, path))
    return keep


def unpack(archive, dest) -> Unpacked:
    """Unpack the pictures of `archive` under `dest` (emptied first); refuse the archive as a whole
    when any entry is unsafe. Entries that are not pictures are skipped and listed."""
    archive, dest = Path(archive), Path(dest)
    if archive.stat().st_size > MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"the archive is {archive.stat().st_size / 2**20:,.0f} MB; at most "
                           f"{MAX_ARCHIVE_BYTES // 2**20} MB")
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        raise ArchiveError(f"not a readable zip archive ({e})") from None
    with zf:
        entries = check(zf)  # all checks before the first byte is written
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        out, total = Unpacked(dest), 0
        for info, path in entries:
            if path.name.startswith(".") or "__MACOSX" in path.parts:
                out.skipped.append((info.filename, "hidden or system file"))
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                out.skipped.append((info.filename, f"not a picture ({path.suffix or 'no extension'})"))
                continue
            try:
                total += _write(zf, info, dest.joinpath(*path.parts), MAX_UNPACKED_BYTES - total)
            except FileExistsError:
                out.skipped.append((info.filename, "a second entry of the same name"))
                continue
            except (ArchiveError, OSError) as e:
                shutil.rmtree(dest)  # nothing half-unpacked is left to be read
                if isinstance(e, ArchiveError):
                    raise
                raise ArchiveError(f"entry {info.filename!r} could not be unpacked ({e.strerror or e})") from None
            out.written += 1
    return out


def _write(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """One entry, read with a cap: a header that lies about its size cannot write more than it said."""
    cap = min(info.file_size, budget)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zf.open(info) as src:
            data = src.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
        raise ArchiveError(f"entry {info.filename!r} could not be read ({e})") from None
    if len(data) > cap:
        raise ArchiveError(f"the archive was refused: entry {info.filename!r} holds more than it declares")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return len(data)
