"""Publish generators to the Hugging Face Hub and load them back.

    python -m studio hub push CHECKPOINT --repo-id USER/NAME [--private]
    python -m studio hub pull USER/NAME              # prints the local path

A published repo holds generator.safetensors, generator.json, a model card (README.md
with YAML metadata and the measured metrics) and samples.png. Loading goes through
hf_hub_download and its cache, so HF_HUB_OFFLINE and HF_ENDPOINT work as usual.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from studio.core.errors import UserError
from studio.core.files import config_path, read_config
from studio.core.runfiles import GENERATOR, GENERATOR_CONFIG, HUB_FILES, generator_in


class ModelSourceError(UserError, RuntimeError):
    """The named generator cannot be found, fetched or published; the message says why."""


REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
FILES = HUB_FILES


def network_errors() -> tuple[type, ...]:
    """What a Hub call raises when the network or the Hub says no (not a bug of ours)."""
    found = [OSError]
    for name in ("httpx2", "httpx", "requests"):
        try:
            found.append(__import__(name).HTTPError if name != "requests" else __import__(name).RequestException)
        except (ImportError, AttributeError):
            pass
    return tuple(found)


@contextmanager
def hub_request(what: str):
    """Turn the Hub's and the network's errors inside the block into a ModelSourceError."""
    try:
        yield
    except UserError:
        raise
    except network_errors() as e:
        raise ModelSourceError(f"{what} failed ({type(e).__name__}: {str(e)[:300]})") from None


def check_repo_id(repo_id: str) -> str:
    repo_id = (repo_id or "").strip()
    if not REPO_ID.match(repo_id) or ".." in repo_id:
        raise ModelSourceError(f"{repo_id[:100]!r} is not a Hub repo id; expected USER/NAME (letters, digits, '-', '_', '.')")
    return repo_id


def download_generator(repo_id: str) -> Path:
    """Local path of a Hub repo's generator.safetensors (its JSON lies beside it)."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (EntryNotFoundError, GatedRepoError, HfHubHTTPError, LocalEntryNotFoundError,
                                        RepositoryNotFoundError, RevisionNotFoundError)

    repo_id = check_repo_id(repo_id)
    paths = []
    try:
        for name in FILES:
            paths.append(Path(hf_hub_download(repo_id, name)))
    except LocalEntryNotFoundError:  # before EntryNotFoundError: it is a subclass
        raise ModelSourceError(f"Hub repo {repo_id} is not in the local cache and the Hub cannot be reached "
                               "(offline, or HF_HUB_OFFLINE is set)") from None
    except (RepositoryNotFoundError, GatedRepoError, RevisionNotFoundError):
        raise ModelSourceError(f"Hub repo {repo_id} was not found (or it is private: log in with a token that can read it)") from None
    except EntryNotFoundError:
        raise ModelSourceError(f"Hub repo {repo_id} has no {FILES[len(paths)]}: it does not hold a GAN Art Studio generator") from None
    except (HfHubHTTPError, OSError) as e:
        raise ModelSourceError(f"could not download {repo_id} from the Hub: {e}") from None
    return paths[0]


def model_card(config: dict, repo_id: str) -> str:
    m = config.get("metrics") or {}
    t = config.get("training") or {}
    g = config.get("generator") or {}
    own = (g.get("image_size", 28), g.get("image_channels", 1)) != (28, 1) or bool(config.get("classes"))
    rows = "\n".join(f"| {k.replace('_', ' ')} | {v:.4f} |" for k, v in m.items() if isinstance(v, (int, float)))
    tags = "\n".join(f"- {t}" for t in ("gan", *(() if own else ("mnist",)), "image-generation", "gan-art-studio",
                                         "safetensors"))
    kind = "class-conditional" if g.get("num_classes") else "unconditional"
    if own:
        size, colour = g.get("image_size"), "colour" if g.get("image_channels") == 3 else "grey"
        classes = config.get("classes") or []
        what = (f"A {kind} DCGAN-style generator of {size} x {size} {colour} pictures, trained on "
                f"{t.get('dataset', 'a set of its owner')}" + (f" ({len(classes)} classes: "
                f"{', '.join(classes[:12])}{', ...' if len(classes) > 12 else ''})" if classes else ""))
        data = f"\n\n**Training pictures:** {config['data_licence']}" if config.get("data_licence") else \
            "\n\n**Training pictures:** their licence was not recorded; check it before you share samples."
        scored = ("Measured by the studio's evaluator for own sets: a classifier trained on the set itself "
                  "(a fifth of each class held out); FID and KID in its features against half the real set, "
                  "and the share of samples nearly identical to a training picture.")
        header = "datasets: []"
    else:
        what = "A " + kind + " DCGAN-style generator for 28x28 handwritten digits"
        data = ""
        scored = ("Measured by the studio's evaluator (a CNN classifier trained on MNIST; FID in its feature space "
                  "against the MNIST test set):")
        header = "datasets:\n- mnist"
    return f"""---
license: mit
library_name: pytorch
tags:
{tags}
{header}
pipeline_tag: unconditional-image-generation
---

# {repo_id.split('/')[-1]}: a GAN Art Studio generator

{what} (latent size {g.get('latent_dim')}, width {g.get('channels')}), trained with the GAN Art Studio trainer
({t.get('step', '?')} steps, {t.get('loss', '?')} loss, batch {t.get('batch_size', '?')}).{data}

![samples](samples.png)

## Metrics

{scored}

| metric | value |
|---|---|
{rows or '| (not evaluated) | |'}

## Use

```bash
python -m studio sample --generator hf://{repo_id} --count 1000 --label all --out samples.npz
```

or open `{repo_id}` in the {'Generate' if own else 'Digits'} tab's model box. The weights are safetensors;
`generator.json` holds the architecture{' and the class names' if own else ''}.
"""


def push_generator(checkpoint: str | Path, repo_id: str, samples: Image.Image, private: bool = False,
                   token: str | None = None, api=None) -> str:
    """Upload weights, config, model card and `samples` (a sample grid the caller drew, so the
    Hub side needs no model code). The caller has loaded the checkpoint, so it is not broken.
    `api` is an HfApi (or a stand-in)."""
    repo_id = check_repo_id(repo_id)
    checkpoint = generator_in(checkpoint)
    config = read_config(checkpoint)
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(token=token)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(checkpoint, folder / GENERATOR)
        shutil.copy(config_path(checkpoint), folder / GENERATOR_CONFIG)
        (folder / "README.md").write_text(model_card(config, repo_id))
        samples.save(folder / "samples.png")
        api.create_repo(repo_id=repo_id, repo_type="model", private=private, exist_ok=True)
        api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="model",
                          commit_message="Upload GAN Art Studio generator")
    return f"https://huggingface.co/{repo_id}"


def publish_token(visitor_token: str | None = None) -> str:
    """The token a publish uses: the logged-in visitor's own, else this machine's when owner actions
    are on (studio.core.limits.owner_actions); never the Space's for an anonymous visitor."""
    from studio.core.limits import owner_actions

    if visitor_token:
        return visitor_token
    if owner_actions():
        return hub_token()
    raise ModelSourceError("publishing needs you to sign in with Hugging Face: your own token is used and the "
                           "repo is yours; this app's token is not lent to visitors")


def hub_token() -> str:
    """The logged-in Hugging Face token, or a ModelSourceError saying how to get one."""
    from huggingface_hub import get_token

    token = get_token()
    if not token:
        raise ModelSourceError("no Hugging Face token: set HF_TOKEN (a Space secret) or run `hf auth login`")
    return token
