"""Screenshots of each tab for the README, taken from the running app so they stay current.

    python scripts/screenshots.py [--out docs/screenshots]

Starts the app on a free port, opens it in headless Chromium at 1280 x 800 and at a phone's
390 x 844, and on each tab does what a visitor would first do: Digits draws a 7 on the canvas,
shows its twin and drags the Slant slider; Style picks a painting and a photo from the galleries
and moves the strength; Train shows the settings and the empty-run hint. Needs MicroAST weights
and the example pictures (shared/ beside the repository, the STUDIO_* variables, or network).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.ui.testing import CHROMIUM_ARGS, chromium_path, serve_app  # noqa: E402


def draw_seven(page) -> None:
    canvas = page.locator("#digit-sketch canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    side = min(box["width"], box["height"]) * 0.8
    left, top = box["x"] + (box["width"] - side) / 2, box["y"] + (box["height"] - side) / 2
    page.mouse.move(left + side * 0.2, top + side * 0.15)
    page.mouse.down()
    page.mouse.move(left + side * 0.8, top + side * 0.15, steps=12)
    page.mouse.move(left + side * 0.4, top + side * 0.9, steps=12)
    page.mouse.up()


def wait_for_picture(page, selector: str, timeout: int) -> None:
    """Wait until the image has decoded: the <img> element appears before its picture arrives, and a
    screenshot taken then shows a broken-image box."""
    page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0; }",
                           arg=selector, timeout=timeout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with serve_app() as (url, *_), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        for suffix, viewport in (("", (1280, 800)), ("-phone", (390, 844))):
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            shoot(page, url, out, suffix)
            page.close()
        browser.close()
    print(f"wrote {len(list(out.glob('*.png')))} screenshots into {out}")
    return 0


def hold_slider(page, selector: str, to: float) -> None:
    """Press a slider's handle with the mouse and move it (left held: the screenshot shows the drag)."""
    track = page.locator(f"{selector} input[type=range]")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * to, y, steps=8)
    page.wait_for_timeout(800)


def shoot(page, url: str, out: Path, suffix: str) -> None:
    page.goto(url)
    wait_for_picture(page, "#digit-image img", 60000)
    page.wait_for_selector("#digit-sketch button[aria-label='Brush']", timeout=30000)
    page.wait_for_timeout(1500)
    draw_seven(page)
    wait_for_picture(page, "#twin-image img", 30000)
    hold_slider(page, "#dir-slider-0", 0.8)
    page.screenshot(path=str(out / f"digits{suffix}.png"))
    page.mouse.up()
    page.get_by_role("tab", name="Style").click()
    page.locator("#style-painting-gallery img").first.click()
    page.locator("#style-photo-gallery img").first.click()
    wait_for_picture(page, "#style-result img", 60000)
    hold_slider(page, "#style-strength", 0.8)
    page.screenshot(path=str(out / f"style{suffix}.png"))
    page.mouse.up()
    page.get_by_role("tab", name="Train").click()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(out / f"train{suffix}.png"))


if __name__ == "__main__":
    sys.exit(main())
