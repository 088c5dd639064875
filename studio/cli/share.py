"""Share commands: `deploy` (a Hugging Face Space) and `hub push` / `hub pull` (generators)."""

from __future__ import annotations

from studio.cli.common import command

DEPLOY_DOC = """Create or update a Hugging Face Space running this app, by one of three routes.

    python -m studio deploy --space-id USER/NAME                      # ZeroGPU: free accounts, 2 Spaces
    python -m studio deploy --space-id USER/NAME --hardware cpu-basic # or a GPU: needs a paid plan
    python -m studio deploy --space-id USER/NAME --static [--site DIR]  # the static studio: free

Each route gets its own README front matter and requirements (ZeroGPU: Python 3.12 and `spaces`);
the Gradio routes upload an explicit allow list, never virtual environments, caches, data or test
output. --dry-run prints the front matter and lists exactly what would be uploaded."""

HUB_DOC = """Publish generators to the Hugging Face Hub and load them back.

    python -m studio hub push CHECKPOINT --repo-id USER/NAME [--private]
    python -m studio hub pull USER/NAME              # prints the local path

A published repo holds generator.safetensors, generator.json, a model card with the
measured metrics and samples.png."""


def register(sub) -> None:
    p = command(sub, "deploy", DEPLOY_DOC, "deploy the app to a Hugging Face Space (--dry-run lists the files)", deploy)
    p.add_argument("--space-id", required=True, help="USER/NAME")
    p.add_argument("--private", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="check and list, upload nothing")
    p.add_argument("--hardware", default=None, help="zero-gpu (default), cpu-basic, cpu-upgrade or a GPU name")
    p.add_argument("--static", action="store_true", help="deploy the static studio (no Python on the Space)")
    p.add_argument("--site", default=None, help="with --static: a site built by build-web (default: build one)")

    hub = command(sub, "hub", HUB_DOC, "push a generator to the Hugging Face Hub, or pull one", None)
    hub_sub = hub.add_subparsers(dest="hub_command", required=True, metavar="{push,pull}")
    p = command(hub_sub, "push", None, "publish a generator checkpoint (weights, config, model card, samples)", push)
    p.add_argument("checkpoint", help="generator.safetensors or a run folder")
    p.add_argument("--repo-id", required=True, help="USER/NAME")
    p.add_argument("--private", action="store_true")
    p = command(hub_sub, "pull", None, "download a generator and print its local path", pull)
    p.add_argument("repo_id", help="USER/NAME")


def _hub_errors(fn, *args) -> int:
    from studio.share.hub import hub_request

    with hub_request("the Hub request"):  # network and Hub errors: say what happened, no traceback
        print(fn(*args))
    return 0


def deploy(args) -> int:
    from studio.share.deploy import deploy as deploy_space

    from studio.share.routes import route

    route(args.hardware, args.static)  # a wrong route is said before a minute of building
    site = args.site
    if args.static and site is None:  # build the static studio first (about a minute), then deploy it
        import tempfile
        from pathlib import Path

        from studio.web.site import build_site

        site = Path(tempfile.mkdtemp(prefix="studio-site-")) / "site"
        build_site(site)
    return _hub_errors(lambda: deploy_space(args.space_id, args.private, args.dry_run, hardware=args.hardware,
                                            static=args.static, site=site))


def push(args) -> int:
    from studio.digits.publish import publish_generator
    from studio.share.hub import hub_token

    return _hub_errors(lambda: publish_generator(args.checkpoint, args.repo_id, args.private, hub_token()))


def pull(args) -> int:
    from studio.share.hub import download_generator

    return _hub_errors(download_generator, args.repo_id)
