"""The README and docs/ stay true to the tree and to their purpose: the README is a first screen
(at most 300 lines) that links every page of docs/, the Layout table names every folder under studio/,
every test file that a comment or a page cites exists, and no page speaks of the project's history."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = sorted((ROOT / "docs").glob("*.md"))
LAYOUT = (ROOT / "docs" / "development.md").read_text()
# Words that tell how the code came to be rather than what it is (the docs describe the product).
HISTORY = re.compile(r"\b(this session|the review|used to|no longer|before this change|this change|is now|are now)\b",
                     re.I)


def layout_rows() -> list[str]:
    section = LAYOUT.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)`", section, flags=re.M)


def test_the_layout_table_lists_every_package_folder_and_only_those():
    listed = {row.rstrip("/") for row in layout_rows() if row.startswith("studio/")}
    actual = {f"studio/{p.name}" for p in (ROOT / "studio").iterdir() if (p / "__init__.py").exists()}
    assert listed == actual


def test_every_module_of_core_is_described():
    section = LAYOUT.split("## Layout", 1)[1].split("\n## ", 1)[0]
    core_row = next(line for line in section.splitlines() if line.startswith("| `studio/core/`"))
    modules = {p.stem for p in (ROOT / "studio" / "core").glob("*.py") if p.stem != "__init__"}
    missing = [m for m in modules if f"`{m}`" not in core_row]
    assert not missing, f"README Layout: studio/core/ row does not name {missing}"


def test_cited_test_files_exist():
    sources = [ROOT / "README.md", *DOCS, *ROOT.glob("studio/**/*.py"), *ROOT.glob("bench/*.py"), *ROOT.glob("scripts/*.py"),
               *ROOT.glob("tests/**/*.py")]
    cited = {(src.relative_to(ROOT), m) for src in sources
             for m in re.findall(r"\btests/[\w/]+\.py\b", src.read_text())}
    missing = sorted(f"{src}: {m}" for src, m in cited if not (ROOT / m).exists())
    assert not missing


def test_the_readme_is_a_first_screen_that_links_every_docs_page():
    assert len(README.splitlines()) <= 300
    start = README.index("## Start here")
    assert README.index("python3 -m venv .venv") > start and README.index("bash scripts/test.sh") > start
    assert start < len(README) // 4, "the commands belong near the top"
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)", README))
    assert linked == {f"docs/{p.name}" for p in DOCS}


def test_links_between_pages_point_at_files_that_exist():
    for page in [ROOT / "README.md", *DOCS]:
        for target in re.findall(r"\]\(([\w./-]+\.(?:md|png|svg))(?:#[\w-]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links {target}, which does not exist"


def test_no_page_tells_the_projects_history():
    found = [f"{page.name}: {m.group(0)!r}" for page in [ROOT / "README.md", *DOCS]
             for m in HISTORY.finditer(page.read_text())]
    assert not found
