"""Hostile archives: each is refused as a whole with a message (exit 2 in the CLI), and nothing is
written outside the folder it was to be unpacked into."""

import io
import stat
import zipfile

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from studio.datasets.archive import MAX_ENTRIES, ArchiveError, unpack


def png(colour=(200, 30, 30), side=24) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((side, side, 3), colour, np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def archive(path, entries):
    """entries: (name, bytes) pairs, or ZipInfo objects with their bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def link(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


HOSTILE = {
    "traversal": ([("cats/ok.png", png()), ("../escaped.png", png())], "outside its folder"),
    "backslash traversal": ([("cats/ok.png", png()), ("..\\escaped.png", png())], "outside its folder"),
    "absolute path": ([("/tmp/escaped-by-archive.png", png())], "outside its folder"),
    "symlink": ([("cats/ok.png", png()), link("cats/link.png", "/etc/passwd")], "is a link"),
    "non-images only": ([("notes.txt", b"hello"), ("run.sh", b"rm -rf /")], "no usable pictures"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_archive_exits_2_and_writes_nothing_outside(case, tmp_path, capsys):
    entries, message = HOSTILE[case]
    zip_path = archive(tmp_path / "upload.zip", entries)
    before = set(tmp_path.iterdir())
    assert main(["data", str(zip_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert set(tmp_path.iterdir()) == before and not (tmp_path.parent / "escaped.png").exists()


def test_a_refused_archive_leaves_its_folder_unwritten(tmp_path):
    dest = tmp_path / "run" / "data"
    with pytest.raises(ArchiveError, match="outside its folder"):
        unpack(archive(tmp_path / "a.zip", [("a/ok.png", png()), ("a/../../x.png", png())]), dest)
    assert not dest.exists()  # refused before the first byte was written


def test_a_decompression_bomb_is_refused_before_unpacking(tmp_path, capsys):
    zip_path = archive(tmp_path / "bomb.zip", [("cats/bomb.png", bytes(200 * 2**20))])
    assert zip_path.stat().st_size < 2**20
    assert main(["data", str(zip_path)]) == 2
    assert "decompression bomb" in capsys.readouterr().err


@pytest.mark.slow
def test_a_hundred_thousand_tiny_files_are_refused(tmp_path, capsys):
    zip_path = tmp_path / "many.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(100_000):
            zf.writestr(f"c/{i}.png", b"x")
    assert main(["data", str(zip_path)]) == 2
    assert f"at most {MAX_ENTRIES:,}" in capsys.readouterr().err


def test_a_good_archive_unpacks_its_pictures_and_lists_the_rest(tmp_path):
    zip_path = archive(tmp_path / "good.zip", [("set/cats/a.png", png()), ("set/dogs/b.png", png((0, 0, 200))),
                                               ("set/readme.txt", b"hi"), ("__MACOSX/._a.png", b"junk")])
    out = unpack(zip_path, tmp_path / "run" / "data")
    assert out.written == 2 and sorted(p.name for p in out.root.rglob("*.png")) == ["a.png", "b.png"]
    assert sorted(why for _, why in out.skipped) == ["hidden or system file", "not a picture (.txt)"]


def test_not_a_zip_is_a_message(tmp_path, capsys):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    assert main(["data", str(bad)]) == 2
    assert "not a readable zip archive" in capsys.readouterr().err
