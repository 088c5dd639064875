"""One command line for every capability: `python -m studio COMMAND …` (or `gan-studio COMMAND …`).

Each module here adds the subcommands of one capability. Errors are reported once, in main():
a UserError is one line on stderr and exit status 2; anything else is a bug, logged with its
traceback, and exit status 1. Heavy imports (torch, the models) happen inside the handlers, so
`--help` answers at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from studio import __version__
from studio.cli import datasets, digits, evaluation, share, style, training, web
from studio.cli.common import fail
from studio.core.errors import UserError, internal_message, log

GROUPS = (digits, evaluation, datasets, training, style, share, web)


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
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except UserError as e:
        return fail(e)
    except Exception as e:
        log.exception("internal error in `%s`", args.command)
        print(f"error: {internal_message(e)}", file=sys.stderr)
        return 1
