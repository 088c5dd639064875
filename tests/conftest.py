import os
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STUDIO_SHARED_DIR", ROOT.parent / "shared"))
DATA = Path(os.environ.get("STUDIO_DATA_DIR", SHARED / "data"))

os.environ.setdefault("STUDIO_DATA_DIR", str(DATA))
torch.set_num_threads(min(2, torch.get_num_threads()))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: real data or real checkpoints; minutes, not seconds")
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright")


@pytest.fixture(scope="session")
def mnist_available():
    if not (DATA / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists():
        pytest.fail(f"MNIST is expected under {DATA} (set STUDIO_DATA_DIR)")
    return DATA


@pytest.fixture
def tiny_generator():
    """A small seeded, untrained generator: fast tests of mechanics, not quality."""
    from studio.networks import Generator, GeneratorConfig

    torch.manual_seed(0)
    return Generator(GeneratorConfig(latent_dim=16, channels=8)).eval()
