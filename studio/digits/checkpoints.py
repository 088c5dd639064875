"""The MNIST networks as files: a generator or classifier rebuilt from its safetensors + JSON."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch

from studio.core.files import CheckpointError, config_path, load_strict, read_config, read_tensors, save_tensors
from studio.digits.networks import Classifier, Encoder, Generator, GeneratorConfig

MAX_CLASSES = 1000  # a trained set's classes (MNIST 10, OpenMoji's groups 11)

def save_generator(path: str | os.PathLike, generator: Generator, extra: dict | None = None) -> Path:
    config = {"kind": "generator", "generator": generator.config.to_dict(), **(extra or {})}
    return save_tensors(path, generator.state_dict(), config)


def load_generator(path: str | os.PathLike) -> tuple[Generator, dict]:
    """Rebuild the generator a checkpoint describes; returns (model in eval mode, config)."""
    config = read_config(path)
    if config.get("kind") != "generator" or not isinstance(config.get("generator"), dict):
        raise CheckpointError(f"{config_path(path)} does not describe a generator")
    try:
        gcfg = GeneratorConfig(**config["generator"])
        if not (1 <= gcfg.latent_dim <= 4096 and 1 <= gcfg.channels <= 4096 and 0 <= gcfg.num_classes <= MAX_CLASSES
                and gcfg.depth in (1, 2) and gcfg.image_size in (28, 32, 64) and gcfg.image_channels in (1, 3)):
            raise ValueError("sizes out of range")
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"{config_path(path)} has an invalid generator config: {e}") from e
    model = Generator(gcfg)
    load_strict(model, read_tensors(path), str(path))
    return model.eval(), config


def save_classifier(path: str | os.PathLike, classifier: Classifier, extra: dict | None = None) -> Path:
    return save_tensors(path, classifier.state_dict(), {"kind": "classifier", **(extra or {})})


def load_classifier(path: str | os.PathLike) -> tuple[Classifier, dict]:
    config = read_config(path)
    if config.get("kind") != "classifier":
        raise CheckpointError(f"{config_path(path)} does not describe a classifier")
    model = Classifier()
    load_strict(model, read_tensors(path), str(path))
    return model.eval(), config


def weights_digest(model: torch.nn.Module) -> str:
    """A short fingerprint of a network's weights: ties an encoder to the generator it learned."""
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def save_encoder(path: str | os.PathLike, encoder: Encoder, generator: Generator, extra: dict | None = None) -> Path:
    config = {"kind": "encoder", "latent_dim": encoder.latent.out_features, "generator": weights_digest(generator),
              **(extra or {})}
    return save_tensors(path, encoder.state_dict(), config)


def load_encoder(path: str | os.PathLike) -> tuple[Encoder, dict]:
    """The encoder and its config; config["generator"] is the fingerprint of its generator."""
    config = read_config(path)
    if config.get("kind") != "encoder" or not isinstance(config.get("latent_dim"), int):
        raise CheckpointError(f"{config_path(path)} does not describe an encoder")
    model = Encoder(config["latent_dim"])
    load_strict(model, read_tensors(path), str(path))
    return model.eval(), config


__all__ = ["CheckpointError", "load_classifier", "load_encoder", "load_generator", "save_classifier", "save_encoder",
           "save_generator", "weights_digest"]
