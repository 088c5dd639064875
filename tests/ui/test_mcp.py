"""The app as an MCP server, driven by the official MCP Python client."""

import asyncio
import base64
import concurrent.futures
import io

import pytest
from PIL import Image, ImageDraw

TOOLS = {"draw_digit", "digit_grid", "stylize", "find_twin"}


def data_url(img: Image.Image) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


async def session_calls(url, calls):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async with streamablehttp_client(url + "gradio_api/mcp/") as (read, write, _):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            return listed.tools, [await session.call_tool(name, args) for name, args in calls]


def image_of(result) -> Image.Image:
    block = next(c for c in result.content if c.type == "image")
    return Image.open(io.BytesIO(base64.b64decode(block.data)))


@pytest.fixture(scope="module")
def pictures(photos, paintings):
    seven = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(seven).line([(40, 30), (160, 30), (80, 180)], fill="black", width=16)
    photo = Image.open(photos[0]).convert("RGB").resize((160, 120))
    painting = Image.open(paintings[0]).convert("RGB").resize((128, 128))
    return {"seven": data_url(seven), "photo": data_url(photo), "painting": data_url(painting)}


def test_tools_listed_called_and_refused(app_url, pictures):
    calls = [
        ("draw_digit", {"digit": 7, "seed": 3}),
        ("digit_grid", {"seed": 1, "truncation": 1.0}),
        ("stylize", {"photo": pictures["photo"], "painting": pictures["painting"], "strength": 1.0,
                     "keep_colors": False}),
        ("find_twin", {"drawing": pictures["seven"]}),
        ("draw_digit", {"digit": 12, "seed": 3}),  # out of range
        ("stylize", {"photo": "/etc/passwd", "painting": pictures["painting"], "strength": 1.0,
                     "keep_colors": False}),  # a server-side path
    ]
    # In its own thread: the browser tests' Playwright keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        tools, results = pool.submit(asyncio.run, session_calls(app_url, calls)).result(timeout=300)
    assert {t.name for t in tools} == TOOLS  # training and UI endpoints are not tools
    assert all(t.description and t.inputSchema["properties"] for t in tools)
    digit, grid, styled, twin, bad_digit, bad_path = results
    assert not digit.isError and image_of(digit).size == (280, 280)
    assert not grid.isError and image_of(grid).size == (3 * 302, 3 * 302)
    assert not styled.isError and image_of(styled).size == (160, 120)
    assert not twin.isError and '7' in " ".join(getattr(c, "text", "") for c in twin.content)
    assert bad_digit.isError and "digit must be between 0 and 9" in bad_digit.content[0].text
    assert bad_path.isError
