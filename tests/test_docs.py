"""The README and the comments stay true to the tree: the Layout table names every folder under
studio/, and every test file that a comment or the README cites exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def layout_rows() -> list[str]:
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)`", section, flags=re.M)


def test_the_layout_table_lists_every_package_folder_and_only_those():
    listed = {row.rstrip("/") for row in layout_rows() if row.startswith("studio/")}
    actual = {f"studio/{p.name}" for p in (ROOT / "studio").iterdir() if (p / "__init__.py").exists()}
    assert listed == actual


def test_every_module_of_core_is_described():
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    core_row = next(line for line in section.splitlines() if line.startswith("| `studio/core/`"))
    modules = {p.stem for p in (ROOT / "studio" / "core").glob("*.py") if p.stem != "__init__"}
    missing = [m for m in modules if f"`{m}`" not in core_row]
    assert not missing, f"README Layout: studio/core/ row does not name {missing}"


def test_cited_test_files_exist():
    sources = [ROOT / "README.md", *ROOT.glob("studio/**/*.py"), *ROOT.glob("bench/*.py"), *ROOT.glob("scripts/*.py"),
               *ROOT.glob("tests/**/*.py")]
    cited = {(src.relative_to(ROOT), m) for src in sources
             for m in re.findall(r"\btests/[\w/]+\.py\b", src.read_text())}
    missing = sorted(f"{src}: {m}" for src, m in cited if not (ROOT / m).exists())
    assert not missing
