"""The classic, slow, high-quality method: optimise the pixels (Gatys, Ecker & Bethge 2016).

Content loss on VGG-19 relu4_2, Gram-matrix style loss on relu1_1 ... relu5_1, plus total
variation. The stylizer is a generator of (image, info) so callers can stream progress
and stop it between steps.
"""

from __future__ import annotations

from typing import Callable, Iterator

import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from studio.core.errors import UserError
from studio.core.imageio import ImageInputError, open_image
from studio.core.inputs import check_number
from studio.style.feature_stats import gram_matrix
from studio.style.tensors import check_weights, fit, preserve_colors, to_image, to_tensor

STYLE_LAYERS = (1, 6, 11, 20, 29)  # relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 in vgg19.features
CONTENT_LAYER = 22  # relu4_2
IMAGENET_MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
IMAGENET_STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
VGG_DOWNLOAD_MB = 548


class VGGUnavailable(UserError, RuntimeError):
    """The pretrained VGG-19 weights are not cached and cannot be downloaded."""


def _vgg_file():
    from torchvision.models import VGG19_Weights

    from studio.core import paths

    url = VGG19_Weights.IMAGENET1K_V1.url
    return url, paths.cache_dir() / "torch" / url.rsplit("/", 1)[-1]


def vgg_cached() -> bool:
    return _vgg_file()[1].exists()


def load_vgg19_features(allow_download: bool = True, progress: bool = True) -> nn.Module:
    """torchvision's ImageNet VGG-19 convolutional part, cut after the last layer we use."""
    from torchvision.models import vgg19

    url, cached = _vgg_file()
    model_dir = cached.parent
    if not cached.exists() and not allow_download:
        raise VGGUnavailable(f"VGG-19 weights are not cached at {cached} and downloads are off")
    try:
        state = torch.hub.load_state_dict_from_url(url, model_dir=str(model_dir), progress=progress,
                                                   check_hash=True, weights_only=True)
    except (OSError, RuntimeError) as e:
        raise VGGUnavailable(f"VGG-19 weights are unavailable ({VGG_DOWNLOAD_MB} MB download failed: {e}); the classic "
                             "method needs them once, the fast method works without") from e
    model = vgg19()
    model.load_state_dict(state)
    return model.features[:max(STYLE_LAYERS + (CONTENT_LAYER,)) + 1].eval()


class ClassicStylizer:
    def __init__(self, features: nn.Module):
        self.features = features.eval().requires_grad_(False)

    @classmethod
    def load(cls, allow_download: bool = True) -> "ClassicStylizer":
        return cls(load_vgg19_features(allow_download))

    def _activations(self, x: torch.Tensor) -> dict[int, torch.Tensor]:
        out = {}
        h = (x - IMAGENET_MEAN.to(x.device)) / IMAGENET_STD.to(x.device)
        for i, layer in enumerate(self.features):
            h = layer(h)
            if i in STYLE_LAYERS or i == CONTENT_LAYER:
                out[i] = h
        return out

    def __call__(self, photo, paintings, style_weights=None, steps: int = 300, max_size: int = 512,
                 content_weight: float = 1.0, style_weight: float = 1e5, tv_weight: float = 1e-4, lr: float = 0.02,
                 preserve_color: bool = False, every: int = 10,
                 should_stop: Callable[[], bool] = lambda: False) -> Iterator[tuple[Image.Image, dict]]:
        """Yield (current image, info) every `every` steps and at the end."""
        photo = open_image(photo, "photo")
        paintings = [open_image(p, f"painting {i + 1}") for i, p in enumerate(
            paintings if isinstance(paintings, (list, tuple)) else [paintings]) if p is not None]
        if not 1 <= len(paintings) <= 3:
            raise ImageInputError("give one to three paintings")
        weights = check_weights(style_weights, len(paintings))
        steps = int(check_number("steps", steps, 1, 5000))
        max_size = int(check_number("size", max_size, 64, 2048))
        for name, v in (("content weight", content_weight), ("style weight", style_weight), ("TV weight", tv_weight),
                        ("learning rate", lr)):
            check_number(name, v, 0, 1e12)

        # On a GPU (including a ZeroGPU Space inside spaces.GPU) optimise there.
        dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.features.to(dev)
        content = to_tensor(fit(photo, max_size)).to(dev)
        with torch.no_grad():
            target_c = self._activations(content)[CONTENT_LAYER]
            grams = {i: 0 for i in STYLE_LAYERS}
            total = sum(weights)
            for p, w in zip(paintings, weights):
                acts = self._activations(to_tensor(fit(p, max_size)).to(dev))
                for i in STYLE_LAYERS:
                    grams[i] = grams[i] + w / total * gram_matrix(acts[i])
        # Optimise an unconstrained variable and squash it with a sigmoid: pixels stay in [0, 1].
        img0 = content.clamp(1e-3, 1 - 1e-3)
        var = torch.log(img0 / (1 - img0)).requires_grad_(True)
        opt = torch.optim.Adam([var], lr=lr * 5)
        for step in range(1, steps + 1):
            if should_stop():
                break
            img = torch.sigmoid(var)
            acts = self._activations(img)
            c_loss = F.mse_loss(acts[CONTENT_LAYER], target_c)
            s_loss = sum(F.mse_loss(gram_matrix(acts[i]), grams[i]) for i in STYLE_LAYERS) / len(STYLE_LAYERS)
            tv = (img[..., 1:, :] - img[..., :-1, :]).abs().mean() + (img[..., :, 1:] - img[..., :, :-1]).abs().mean()
            loss = content_weight * c_loss + style_weight * s_loss + tv_weight * tv
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if step % every == 0 or step == steps:
                yield self._picture(var, content, preserve_color), {
                    "step": step, "steps": steps, "loss": loss.item(), "content_loss": c_loss.item(),
                    "style_loss": s_loss.item(), "tv_loss": tv.item()}
        else:
            return
        # stopped early: hand back where it got to
        yield self._picture(var, content, preserve_color), {"step": step - 1, "steps": steps, "loss": float("nan"),
                                                            "stopped": True}

    @staticmethod
    @torch.no_grad()
    def _picture(var, content, preserve_color):
        img = torch.sigmoid(var)
        if preserve_color:
            img = preserve_colors(img, content)
        return to_image(img.cpu())
