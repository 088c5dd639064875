"""studio.web.export, runtime and site: the files a browser gets, checked as they are written."""

import json

import numpy as np
import pytest
import torch

from studio.web import files


@pytest.fixture
def tiny_studio(tiny_generator):
    from studio.digits import DigitStudio

    return DigitStudio(tiny_generator, {})


@pytest.mark.slow
def test_the_generator_export_matches_pytorch_and_says_what_the_browser_needs(tiny_studio, tmp_path):
    from studio.web.export import _session, export_generator

    report = export_generator(tiny_studio, tmp_path, "tiny", half=True)
    assert report["max_abs_error"] <= 1e-4 and report["half_max_abs_error"] <= 2 / 127.5
    meta = json.loads((tmp_path / files.GENERATOR_META).read_text())
    assert meta["latent_dim"] == 16 and meta["num_classes"] == 10 and meta["source"] == "tiny"
    assert set(meta["directions"]) == {"pca", "sefa"} and len(meta["directions"]["pca"][0]["vector"]) == 16
    # a batch of another size than the export's, as the 10 x 10 grid asks
    z = torch.randn(100, 16, generator=torch.Generator().manual_seed(3))
    y = torch.eye(10)[torch.arange(100) % 10]
    got = _session(tmp_path / files.GENERATOR).run(None, {"z": z.numpy(), "y": y.numpy()})[0]
    with torch.no_grad():
        want = tiny_studio.generator(z, y).numpy()
    assert got.shape == (100, 1, 28, 28) and np.abs(got - want).max() <= 2 / 127.5


def test_an_export_that_does_not_match_is_refused(tiny_studio, tmp_path, monkeypatch):
    from studio.web import export

    real = export._session

    class Off:  # the file answers, but wrongly
        def __init__(self, path):
            self.s = real(path)

        def run(self, *args):
            return [a + 0.01 for a in self.s.run(*args)]

    monkeypatch.setattr(export, "_session", Off)
    with pytest.raises(export.ExportError, match="differs from PyTorch by 0.01"):
        export.export_generator(tiny_studio, tmp_path)


@pytest.mark.slow
def test_float16_storage_halves_the_file_and_keeps_float32_inputs(tiny_studio, tmp_path):
    import onnx

    from studio.web.export import export_generator

    export_generator(tiny_studio, tmp_path / "full")
    export_generator(tiny_studio, tmp_path / "half", half=True)
    full, half = ((tmp_path / d / files.GENERATOR).stat().st_size for d in ("full", "half"))
    assert half < 0.6 * full
    graph = onnx.load(str(tmp_path / "half" / files.GENERATOR)).graph
    assert {i.type.tensor_type.elem_type for i in graph.input} == {onnx.TensorProto.FLOAT}


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path, monkeypatch):
    from studio.web import runtime

    fake = tmp_path / "onnxruntime-web.tgz"
    fake.write_bytes(b"not the package")
    monkeypatch.setenv("STUDIO_ORT_TGZ", str(fake))
    with pytest.raises(runtime.RuntimeFetchError, match="integrity"):
        runtime.install(tmp_path / "ort")
    assert not (tmp_path / "ort" / "ort.wasm.min.mjs").exists()
    monkeypatch.setenv("STUDIO_ORT_TGZ", str(tmp_path / "missing.tgz"))
    with pytest.raises(runtime.RuntimeFetchError, match="does not exist"):
        runtime.tarball()


def test_an_earlier_versions_runtime_is_replaced(tmp_path):
    """The app keeps the runtime in its cache: after an upgrade it must not serve the old version's files."""
    from studio.web import runtime

    folder = tmp_path / "ort"
    assert not runtime.installed(folder)
    runtime.install(folder)
    assert runtime.installed(folder)
    note = folder / "LICENSE.txt"
    note.write_text(note.read_text().replace(f"Version {runtime.VERSION},", "Version 1.0.0,"))
    assert not runtime.installed(folder)


def test_the_site_server_serves_built_sites_only(tmp_path):
    from studio.web.site import SiteError, server

    with pytest.raises(SiteError, match="not a built site"):
        server(tmp_path)


def test_a_site_is_never_written_over_other_files(tmp_path):
    from studio.web.site import SiteError, build_site

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SiteError, match="holds other files"):
        build_site(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_the_pages_scripts_name_the_files_as_the_exporter_does():
    import re

    from studio.web.site import STATIC

    engine = (STATIC / "engine.js").read_text()
    named = set(re.findall(r'"([\w.]+\.(?:onnx|json))"', engine[engine.index("export const FILES"):]))
    assert named == {files.GENERATOR, files.GENERATOR_META, files.ENCODER, files.STYLE_ENCODER,
                     files.CONTENT_ENCODER, files.DECODER}
    for script in STATIC.glob("*.js"):
        if script.name != "engine.js":
            assert not re.search(r'"[\w.]+\.onnx"', script.read_text()), script.name


def test_build_web_with_a_generator_that_does_not_exist_says_so_and_writes_nothing(tmp_path, capsys):
    from studio.cli import main

    assert main(["build-web", str(tmp_path / "site"), "--generator", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()
