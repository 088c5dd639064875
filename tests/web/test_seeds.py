"""seeds.js draws a seed's latent exactly as the server does (torch.randn on the CPU), run in Node."""

import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from studio.web.site import STATIC

pytestmark = pytest.mark.app  # runs Node in a child process


def test_seed_latents_equal_torch_randn(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node is required for this test (apt-get install nodejs)")
    cases = [(0, 64), (42, 64), (2**31 - 1, 64), (7, 100), (3, 16), (123, 640)]
    script = tmp_path / "run.mjs"
    script.write_text(f'import {{ seedLatent }} from "{(STATIC / "seeds.js").as_uri()}";\n'
                      f"const cases = {json.dumps(cases)};\n"
                      "console.log(JSON.stringify(cases.map(([s, n]) => Array.from(seedLatent(s, n)))));\n")
    got = json.loads(subprocess.run([node, str(script)], capture_output=True, text=True, check=True, timeout=60).stdout)
    for (seed, n), latent in zip(cases, got):
        want = torch.randn(1, n, generator=torch.Generator().manual_seed(seed)).numpy()[0]
        assert np.abs(np.array(latent, np.float32) - want).max() <= 2.5e-7, (seed, n)
