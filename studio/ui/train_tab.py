"""Train tab: settings -> studio.training.jobs (a background process running `studio train`); live view from its run folder."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd

from studio.share.hub import ModelSourceError
from studio.training.config import LOSSES, TrainConfig
from studio.training.jobs import JobError, read_metrics, samples
from studio.ui.common import Number, user_errors
from studio.ui.state import GENERATOR, JOBS

DEFAULTS = TrainConfig()  # the Train tab starts from the CLI's defaults

EMPTY = None  # no data yet: an empty frame would make the plots infer a numeric colour scale


def _num(name, v):
    if v is None or v == "":
        raise ValueError(f"{name} is required")
    return v


@user_errors
def start(loss, conditional, steps, batch_size, lr_g, lr_d, beta1, beta2, d_steps, ema, seed, device, eval_every,
          r1=DEFAULTS.r1_weight, r2=DEFAULTS.r2_weight, augment_shift=DEFAULTS.augment_shift,
          g_depth=DEFAULTS.g_depth, aux_weight=DEFAULTS.aux_weight, lr_decay_from=DEFAULTS.lr_decay_from,
          aux_until=DEFAULTS.aux_until, diversity=DEFAULTS.diversity):
    if JOBS.running():
        raise JobError(f"a training job is already running ({JOBS.run_dir.name}); stop it first")
    cfg = TrainConfig(out=str(JOBS.new_run_dir()), loss=loss, conditional=bool(conditional),
                      steps=_num("steps", steps), batch_size=_num("batch size", batch_size),
                      lr_g=_num("generator learning rate", lr_g), lr_d=_num("discriminator learning rate", lr_d),
                      beta1=_num("beta1", beta1), beta2=_num("beta2", beta2), d_steps=_num("critic steps", d_steps),
                      ema=_num("EMA", ema), seed=_num("seed", seed), device=device,
                      r1_weight=_num("R1 gamma", r1), r2_weight=_num("R2 gamma", r2),
                      augment_shift=_num("augmentation shift", augment_shift), g_depth=_num("generator depth", g_depth),
                      aux_weight=_num("class-loss weight", aux_weight), aux_until=_num("class loss until", aux_until),
                      lr_decay_from=_num("learning-rate decay start", lr_decay_from),
                      diversity=_num("diversity weight", diversity),
                      eval_every=_num("evaluate every", eval_every), sample_every=100, checkpoint_every=100,
                      log_every=10)
    cfg.validate()
    for name in ("steps", "batch_size", "d_steps", "seed", "eval_every", "augment_shift", "g_depth", "lr_decay_from",
                 "aux_until"):
        setattr(cfg, name, int(getattr(cfg, name)))  # validated as whole numbers; the UI sends floats
    run = JOBS.start(cfg)
    return f"Started **{run.name}**."


@user_errors
def resume():
    if JOBS.running():
        raise JobError("a training job is already running; stop it first")
    if JOBS.config is None:
        raise JobError("no earlier run in this session to resume")
    cfg = JOBS.config
    cfg.resume = True
    if not (Path(cfg.out) / "state.safetensors").exists():
        raise JobError("that run saved no checkpoint yet, so there is nothing to resume")
    JOBS.start(cfg)
    return f"Resumed **{Path(cfg.out).name}**."


def stop():
    return "Stopped; the checkpoint is saved." if JOBS.stop() else "No job is running."


def _curves(metrics):
    train = [m for m in metrics if m.get("kind") == "train"]
    rows = [{"step": m["step"], "value": m[k], "series": k} for m in train for k in ("loss_g", "loss_d") if k in m]
    drows = [{"step": m["step"], "value": m[k], "series": label} for m in train
             for k, label in (("d_real", "D(x)"), ("d_fake", "D(G(z))")) if k in m]
    erows = [{"step": m["step"], "value": m["class_accuracy"], "series": "class accuracy"} for m in metrics
             if m.get("kind") == "eval" and "class_accuracy" in m]
    frame = lambda r: pd.DataFrame(r) if r else None  # noqa: E731
    return frame(rows), frame(drows), frame(erows)


def _fmt_s(s):
    s = int(s)
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


def refresh():
    """Called by the timer: everything comes from the server-side job, so reloads see the same job."""
    st = JOBS.status()
    if st["state"] == "idle":
        return "No training job yet.", *_plots(EMPTY, EMPTY, EMPTY), None, gr.update()
    metrics = read_metrics(Path(st["run_dir"]))
    loss, dvals, evals = _curves(metrics)
    text = f"**{Path(st['run_dir']).name}: {st['state']}** · step {st['step']} / {st['total']}"
    if st.get("images_per_s"):
        text += f" · {st['images_per_s']:.0f} images/s"
    if st.get("eta_s") is not None:
        text += f" · about {_fmt_s(st['eta_s'])} left"
    if st.get("error"):
        text += f"\n\n⚠️ {st['error']}"
    grids = samples(Path(st["run_dir"]))
    latest = str(grids[-1]) if grids else None
    browse = gr.update(maximum=max(len(grids), 2), value=max(len(grids), 1), visible=len(grids) > 1)
    return text, *_plots(loss, dvals, evals), latest, browse


def _plots(*frames):
    """Each plot shown once it has data; until then one line says what will appear (no blank axes)."""
    updates = [gr.update(value=f, visible=f is not None) for f in frames]
    return (*updates, gr.update(visible=all(f is None for f in frames)))


def browse_grid(index):
    if JOBS.run_dir is None:
        return None
    grids = samples(JOBS.run_dir)
    if not grids:
        return None
    i = min(max(int(index or 1), 1), len(grids)) - 1
    return str(grids[i])


@user_errors
def use_in_digits():
    if JOBS.run_dir is None or not (JOBS.run_dir / "generator.safetensors").exists():
        raise JobError("no trained generator yet: start a run and let it write a checkpoint")
    msg = GENERATOR.load(str(JOBS.run_dir / "generator.safetensors"))
    if GENERATOR.error:
        raise JobError(msg)
    return msg


@user_errors
def download():
    if JOBS.run_dir is None or not (JOBS.run_dir / "generator.safetensors").exists():
        raise JobError("no checkpoint to download yet")
    return gr.update(value=[str(JOBS.run_dir / "generator.safetensors"), str(JOBS.run_dir / "generator.json")],
                     visible=True)


@user_errors
def publish(repo_id, private):
    from studio.digits.publish import publish_generator
    from studio.share.hub import hub_token

    if JOBS.run_dir is None or not (JOBS.run_dir / "generator.safetensors").exists():
        raise JobError("no trained generator to publish yet")
    try:
        url = publish_generator(JOBS.run_dir, repo_id, bool(private), hub_token())
    except (OSError, RuntimeError) as e:
        if isinstance(e, ModelSourceError):
            raise
        raise JobError(f"publishing failed: {e}") from None
    return f"Published to {url}"


def build(digits: dict) -> dict:
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            with gr.Row():
                loss = gr.Dropdown(list(LOSSES), value=DEFAULTS.loss, label="Loss")
                device = gr.Radio(["auto", "cpu", "cuda"], value="auto", label="Device")
            conditional = gr.Checkbox(True, label="Class-conditional (needed for Digits' digit picker)")
            with gr.Row():
                steps = Number(1500, label="Steps", minimum=1, elem_id="train-steps")
                batch = Number(64, label="Batch size", minimum=2)
            with gr.Accordion("Optimiser and more", open=False):
                with gr.Row():
                    lr_g = Number(DEFAULTS.lr_g, label="G learning rate")
                    lr_d = Number(DEFAULTS.lr_d, label="D learning rate")
                with gr.Row():
                    beta1 = Number(DEFAULTS.beta1, label="beta1")
                    beta2 = Number(DEFAULTS.beta2, label="beta2")
                with gr.Row():
                    d_steps = Number(DEFAULTS.d_steps, label="Critic steps per G step")
                    ema = Number(DEFAULTS.ema, label="EMA decay (0 = off)")
                with gr.Row():
                    r1 = Number(DEFAULTS.r1_weight, label="R1 penalty γ (real images; 0 = off)")
                    r2 = Number(DEFAULTS.r2_weight, label="R2 penalty γ (generated images; 0 = off)")
                    shift = Number(DEFAULTS.augment_shift, label="Shift augmentation (px, 0 = off)")
                    diversity = Number(DEFAULTS.diversity, label="Diversity (mode-seeking) weight (0 = off)")
                with gr.Row():
                    g_depth = gr.Radio([1, 2], value=DEFAULTS.g_depth, label="Generator layers per scale")
                    aux = Number(DEFAULTS.aux_weight, label="Class-loss weight (AC-GAN; 0 = off)")
                    aux_until = Number(DEFAULTS.aux_until, label="Class loss stops at step (0 = never)")
                    decay = Number(DEFAULTS.lr_decay_from, label="Learning rates fall to 0 from step (0 = never)")
                with gr.Row():
                    seed = Number(0, label="Seed")
                    eval_every = Number(500, label="Evaluate every N steps (0 = never)")
            with gr.Row():
                start_btn = gr.Button("Train", variant="primary", elem_id="train-start")
                stop_btn = gr.Button("Stop", variant="stop", elem_id="train-stop")
                resume_btn = gr.Button("Resume")
            with gr.Row():
                use_btn = gr.Button("Use in Digits", elem_id="train-use")
                dl_btn = gr.Button("Download checkpoint")
            with gr.Accordion("Publish to the Hugging Face Hub", open=False):
                repo_id = gr.Textbox(label="Repo id", placeholder="USER/NAME", max_length=200)
                private = gr.Checkbox(label="Private")
                pub_btn = gr.Button("Publish generator")
            message = gr.Markdown(elem_id="train-message")
            files = gr.File(label="Checkpoint", file_count="multiple", visible=False, elem_id="train-files")
        with gr.Column(scale=2, min_width=480):
            status = gr.Markdown("No training job yet.", elem_id="train-status")
            hint = gr.Markdown("*Loss curves, D(x) / D(G(z)) and evaluation appear here once a run has logged its "
                               "first steps.*", elem_id="train-plot-hint")
            with gr.Row():
                loss_plot = gr.LinePlot(EMPTY, x="step", y="value", color="series", title="Losses", height=260,
                                        visible=False, elem_id="train-loss-plot")
                d_plot = gr.LinePlot(EMPTY, x="step", y="value", color="series", title="D(x) and D(G(z))",
                                     height=260, visible=False)
            with gr.Row():
                grid = gr.Image(label="Samples from fixed noise (row = digit)", interactive=False, height=320,
                                elem_id="train-grid")
                eval_plot = gr.LinePlot(EMPTY, x="step", y="value", color="series", title="Evaluation", height=260,
                                        visible=False)
            grid_index = gr.Slider(1, 2, 1, step=1, label="Browse sample grids over time", visible=False)
    timer = gr.Timer(1.0)
    timer.tick(refresh, None, [status, loss_plot, d_plot, eval_plot, hint, grid, grid_index], api_name=False,
               queue=False, show_progress="hidden")
    start_btn.click(start, [loss, conditional, steps, batch, lr_g, lr_d, beta1, beta2, d_steps, ema, seed, device,
                            eval_every, r1, r2, shift, g_depth, aux, decay,
                            aux_until, diversity], message, api_name="train_start", api_visibility="undocumented")
    # Queued (not queue=False) so refusals show their message as a notification.
    stop_btn.click(stop, None, message, api_name="train_stop", api_visibility="undocumented")
    resume_btn.click(resume, None, message, api_name="train_resume", api_visibility="undocumented")
    grid_index.release(browse_grid, grid_index, grid, api_name=False, queue=False)
    use_btn.click(use_in_digits, None, message, api_name="train_use", api_visibility="undocumented").then(
        GENERATOR.describe, None, digits["status"], api_name=False, queue=False).then(
        digits["back_to_seed"], None, [digits["twin"], digits["mode"]], api_name=False, queue=False).then(
        digits["slider_updates"], digits["method"], digits["sliders"], api_name=False, queue=False).then(
        digits["render"], digits["inputs"], digits["picture"], api_name=False, queue=False)
    dl_btn.click(download, None, files, api_name="train_download", api_visibility="undocumented")
    pub_btn.click(publish, [repo_id, private], message, api_name="train_publish", api_visibility="undocumented")
    return {}
