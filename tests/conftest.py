import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))
DATA = Path(os.environ.get("STUDIO_DATA_DIR", SHARED / "data"))

os.environ.setdefault("STUDIO_DATA_DIR", str(DATA))
# One torch thread per pytest-xdist worker (the workers share the cores), two in a single process.
torch.set_num_threads(1 if os.environ.get("PYTEST_XDIST_WORKER") else min(2, torch.get_num_threads()))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: over a few seconds each: real data, real checkpoints, many steps")
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright")
    config.addinivalue_line("markers", "app: starts the app or a child process (the CLI, an engine, a job)")
    config.addinivalue_line("markers", "cuda: needs a CUDA GPU (the `cuda` fixture skips it, saying so, without one)")


APP_FIXTURES = {"app_url", "browser", "page", "launch_chromium"}


def pytest_collection_modifyitems(items):
    """A test that uses the running app or a browser is an app test, whatever its module says."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & APP_FIXTURES:
            item.add_marker(pytest.mark.app)
        if used & {"browser", "page", "launch_chromium"}:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _children_need_the_app_mark(request, monkeypatch):
    """Keep the marks true: outside `app` tests, starting any child process fails the test, so
    the fast lane (-m "not slow and not browser and not app") never quietly starts one."""
    if request.node.get_closest_marker("app") is not None:
        return

    def refuse(*args, **kwargs):
        raise AssertionError("this test starts a child process: mark it @pytest.mark.app")

    import multiprocessing.util
    import subprocess

    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse)
    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", refuse)


@pytest.fixture(scope="session")
def cuda():
    """The GPU, for tests of the CUDA path: they run wherever one is present."""
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU on this machine: the CUDA path is tested where one is present")
    return torch.device("cuda")


@pytest.fixture(scope="session")
def mnist_available():
    if not (DATA / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists():
        pytest.fail(f"MNIST is expected under {DATA} (set STUDIO_DATA_DIR)")
    return DATA


@pytest.fixture
def tiny_generator():
    """A small seeded, untrained generator: fast tests of mechanics, not quality."""
    from studio.digits.networks import Generator, GeneratorConfig

    torch.manual_seed(0)
    return Generator(GeneratorConfig(latent_dim=16, channels=8)).eval()


TINY = dict(batch_size=16, g_channels=8, d_channels=8, latent_dim=16)  # steps in milliseconds


@pytest.fixture
def tiny_config(tmp_path):
    """make(**changes) -> a TrainConfig small enough to step in milliseconds: mechanics, not quality."""
    from studio.training.config import TrainConfig

    return lambda **changes: TrainConfig(**{"out": str(tmp_path), **TINY, **changes})


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The real app (shipped generator) served on a free local port for this test session."""
    from studio.ui.testing import serve_app

    folder = tmp_path_factory.mktemp("app")
    with serve_app({"STUDIO_RUNS_DIR": str(folder / "runs")}, log_path=folder / "app.log") as (url, *_):
        yield url


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright for the session (a second sync one cannot start inside the first)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def launch_chromium(playwright_session):
    """launch(*extra_args) -> a headless Chromium on this machine."""
    from studio.ui.testing import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is required for browser tests: apt-get install chromium (or set CHROMIUM_PATH)")
    return lambda *extra: playwright_session.chromium.launch(executable_path=path, headless=True,
                                                             args=CHROMIUM_ARGS + list(extra))


@pytest.fixture(scope="session")
def browser(launch_chromium):
    b = launch_chromium()
    yield b
    b.close()


def local_only(route) -> None:
    """Browser tests reach the local server only: any other request (a CDN, fonts, analytics) fails."""
    host = urlsplit(route.request.url).hostname
    route.continue_() if host in ("127.0.0.1", "localhost") else route.abort()


@pytest.fixture
def page(browser, request):
    """A fresh page; a screenshot is saved under test-output/ when the test fails."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    ctx.route("**/*", local_only)
    pg = ctx.new_page()
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        out = ROOT / "test-output"
        out.mkdir(exist_ok=True)
        pg.screenshot(path=str(out / f"{request.node.name}.png"), full_page=True)
    ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


# The fast lane's promise: a test without a cost mark takes at most FAST_LIMIT_S (setup and call). One over
# twice that (per worker sharing the cores) fails the session, naming it: mark it for what it costs.
# Read from the reports, so it sees every test when the suite runs in several workers (pytest-xdist).
FAST_LIMIT_S = 5.0
COST_MARKS = ("slow", "app", "browser", "cuda")
_setup_s: dict[str, float] = {}
_unmarked_over: list[tuple[str, float]] = []


def pytest_runtest_logreport(report):
    if report.when == "setup":
        _setup_s[report.nodeid] = report.duration
    elif report.when == "call" and not any(m in report.keywords for m in COST_MARKS):
        took = report.duration + _setup_s.pop(report.nodeid, 0.0)
        if took > FAST_LIMIT_S:
            _unmarked_over.append((report.nodeid, took))


def pytest_terminal_summary(terminalreporter):
    if _unmarked_over:
        terminalreporter.section(f"tests without a cost mark over {FAST_LIMIT_S:.0f} s")
        for nodeid, took in _unmarked_over:
            terminalreporter.write_line(f"{took:6.1f} s  {nodeid}")


def pytest_sessionfinish(session):
    # Workers share the cores, so each test takes longer in proportion: the bar grows with their number.
    workers = max(1, int(getattr(session.config.option, "numprocesses", None) or 1))
    if any(took > 2 * FAST_LIMIT_S * workers for _, took in _unmarked_over) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


WEIGHTS = Path(os.environ.get("STUDIO_WEIGHTS_DIR", SHARED / "weights" / "microast"))
IMAGES = SHARED / "images"
os.environ.setdefault("STUDIO_WEIGHTS_DIR", str(WEIGHTS))
os.environ.setdefault("STUDIO_EXAMPLES_DIR", str(IMAGES))  # the Style tab's real examples, offline


@pytest.fixture(scope="session")
def microast_dir():
    if not (WEIGHTS / "testvector.npz").exists():
        pytest.fail(f"MicroAST weights are expected under {WEIGHTS} (set STUDIO_WEIGHTS_DIR)")
    return WEIGHTS


@pytest.fixture(scope="session")
def fast_stylizer(microast_dir):
    from studio.style.fast import FastStylizer

    return FastStylizer.load(microast_dir, allow_download=False)


@pytest.fixture(scope="session")
def exact_stylizer(microast_dir):
    """float32 throughout: the path the published test vector checks."""
    from studio.style.fast import FastStylizer

    return FastStylizer.load(microast_dir, allow_download=False, exact=True)


@pytest.fixture(scope="session")
def photos():
    return sorted((IMAGES / "content").glob("*.jpg"))


@pytest.fixture(scope="session")
def paintings():
    return sorted((IMAGES / "style").glob("*.jpg"))


def drag_slider(page, selector: str, start: float, end: float, steps: int = 8) -> None:
    """Drag a Gradio slider's range input with the mouse, from one fraction of its track to another."""
    page.locator(f"{selector} input[type=range]").scroll_into_view_if_needed()  # the mouse acts in the viewport only
    box = page.locator(f"{selector} input[type=range]").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end, y, steps=steps)
    page.mouse.up()


# The static studio built once for the browser tests of tests/web: the shipped Digits generator, MicroAST,
# the examples, and a tiny run of coloured squares on the Generate tab.
def _squares_run(root):
    """A generator trained for three steps on coloured squares (red, green, blue): mechanics, not quality."""
    from pictures import folder_of_squares
    from studio.training.config import TrainConfig
    from studio.training.trainer import Trainer

    cfg = TrainConfig(batch_size=8, g_channels=8, d_channels=8, latent_dim=16, steps=3, size=32, out=str(root / "run"),
                      data=str(folder_of_squares(root / "squares")), data_licence="CC0: made for this test")
    Trainer(cfg).run()
    return root / "run"


@pytest.fixture(scope="session")
def site_url(tmp_path_factory, worker_id):
    """Built once per run, also when pytest-xdist's workers share it (the documented lock pattern): the
    first worker to ask builds the site (a minute and a half) into their common folder, the others wait."""
    from filelock import FileLock

    from studio.web.site import build_site, server

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    site = shared / "site"
    with FileLock(str(shared / "site.lock")):
        if not (site / "sw.js").exists() or 'BUILD = "dev"' in (site / "sw.js").read_text():  # not yet (whole)
            build_site(site, generators=[str(_squares_run(shared / "squares"))])
    httpd = server(site, port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
