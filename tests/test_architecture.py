"""The package's shape: imports point one way (ui, cli -> capabilities -> core), never in a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "studio"
CAPABILITIES = {"digits", "style", "training", "evaluation", "share"}
FRONTS = {"ui", "cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every studio module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from studio.x import y` imports the module studio.x.y when there is one
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                     for a in node.names]
        else:
            continue
        found |= {n for n in names if n == "studio" or n.startswith("studio.")}
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {m: {i for i in imports_of(p, known) if i != m} for m, p in mods.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else "top"


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_import_reader_sees_function_level_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from studio.core import paths\n    import studio.digits.networks\n")
    assert imports_of(f, {"studio.core.paths", "studio.digits.networks"}) == {"studio.core.paths",
                                                                             "studio.digits.networks"}


def test_no_import_cycle_between_modules():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_import_cycle_between_packages():
    edges: dict[str, set[str]] = {}
    for mod, deps in graph().items():
        if mod == "studio.__main__":
            continue  # the entry point, like app.py: it only calls the CLI
        edges.setdefault(package_of(mod), set()).update(package_of(d) for d in deps if package_of(d) != package_of(mod))
    cycle = find_cycle(edges)
    assert cycle is None, "packages import each other: " + " -> ".join(cycle)


def test_core_imports_only_core():
    bad = {m: sorted(d for d in deps if not d.startswith("studio.core"))
           for m, deps in graph().items() if m.startswith("studio.core")}
    bad = {m: d for m, d in bad.items() if d}
    assert not bad, f"studio.core must import nothing else from studio: {bad}"


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_capabilities_never_import_the_front_ends(capability):
    bad = {m: sorted(d for d in deps if package_of(d) in FRONTS)
           for m, deps in graph().items() if package_of(m) == capability}
    bad = {m: d for m, d in bad.items() if d}
    assert not bad, f"{capability} reaches up into the UI or CLI: {bad}"


def test_every_module_lives_in_a_package_folder():
    loose = [m for m in modules() if package_of(m) == "top" and m not in ("studio", "studio.__main__")]
    assert not loose, f"modules outside the capability folders: {loose}"


def test_no_test_folder_shadows_a_package_the_studio_imports():
    """pytest puts tests/ on sys.path: a folder there named like a package (datasets, spaces, torch) would be
    imported in its place wherever the package is not installed, and importorskip would not skip."""
    import re

    tests = Path(__file__).resolve().parent
    wanted = {re.split(r"[<>=\[ ;#]", line.strip())[0].lower().replace("-", "_")
              for req in ("requirements.txt", "requirements-dev.txt") for line in (tests.parent / req).read_text().splitlines()
              if line.strip() and not line.startswith(("#", "-"))}
    wanted |= {"datasets", "spaces", "studio"}
    shadowing = sorted(p.name for p in tests.iterdir() if p.is_dir() and p.name.lower() in wanted)
    assert not shadowing
