"""What every subcommand shares: how it is declared and how an error is reported."""

from __future__ import annotations

import argparse
import sys


def command(sub, name: str, doc: str | None, summary: str, run) -> argparse.ArgumentParser:
    """A subcommand whose --help shows `doc` (the module's usage text) and whose handler is `run`."""
    p = sub.add_parser(name, help=summary, description=doc or summary,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(run=run, parser=p)
    return p


def fail(message) -> int:
    """A user-facing error: one line on stderr, exit status 2, no traceback."""
    print(f"error: {message}", file=sys.stderr)
    return 2
