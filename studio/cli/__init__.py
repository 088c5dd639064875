"""One command line for every capability: `python -m studio COMMAND …` (or `gan-studio COMMAND …`).

Each module here adds the subcommands of one capability and turns its errors into a line on
stderr and exit status 2. Heavy imports (torch, the models) happen inside the handlers, so
`--help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys

from studio import __version__
from studio.cli import digits, evaluation, share, style, training

GROUPS = (digits, evaluation, training, style, share)


def build_parser() -> argparse.ArgumentParser:
    prog = os.path.basename(sys.argv[0] or "")
    prog = "python -m studio" if prog in ("__main__.py", "", "-c") else prog
    p = argparse.ArgumentParser(prog=prog, description="GAN Art Studio from the command line.",
                                epilog="`python -m studio COMMAND --help` explains each command.")
    p.add_argument("--version", action="version", version=f"GAN Art Studio {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
