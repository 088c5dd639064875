"""Train tab: settings -> studio.training.jobs (a background process running `studio train`); live view from its run folder."""

from __future__ import annotations

import os
from pathlib import Path

import gradio as gr
import pandas as pd

from studio.core.errors import public_text
from studio.core.files import config_path
from studio.core.limits import owner_actions
from studio.core.runfiles import RunFolder
from studio.training import recipes
from studio.training.config import TrainConfig
from studio.training.jobs import JobError, read_metrics, samples
from studio.ui import data_panel
from studio.ui.common import said, user_errors
from studio.ui.settings_form import FORM, form
from studio.ui.state import VISITORS

START_RECIPE = "quick"  # what the form shows first: a run short enough to watch (recipes/quick.json)

EMPTY = None  # no data yet: an empty frame would make the plots infer a numeric colour scale


def form_values(recipe: str) -> dict:
    """Every form field's value under a recipe (its first phase over TrainConfig's defaults)."""
    cfg = recipes.load(recipe).configs()[0]
    return {name: getattr(cfg, name) for name in FORM}


def tab_recipes() -> list[str]:
    """The recipes a tab can start: single runs (the shipped chain runs from the command line)."""
    return [n for n in recipes.names() if len(recipes.load(n).phases) == 1]


@user_errors
def start(settings: dict, data: str | None = None) -> str:
    """Start a job from the form's values, by field name; the app picks the run folder, and `data`
    is the visitor's upload (data_panel.data_spec), never a typed path."""
    unknown = set(settings) - set(FORM)
    if unknown:
        raise JobError(f"not a training setting: {', '.join(sorted(unknown))}")
    jobs = VISITORS.jobs()
    with jobs.reserved():  # a Stop pressed meanwhile waits for this job, then stops it
        if jobs.running():
            raise JobError(f"a training job is already running ({jobs.run_dir.name}); stop it first")
        cfg = TrainConfig(out=str(jobs.new_run_dir()), data=data, **settings).validate()
        VISITORS.room_for_a_job()
        run = jobs.start(cfg)
        VISITORS.note_run(run)
    return f"Started **{run.name}**."


@user_errors
def resume():
    jobs = VISITORS.jobs()
    if jobs.running():
        raise JobError("a training job is already running; stop it first")
    if jobs.config is None:
        raise JobError("no earlier run in this session to resume")
    cfg = jobs.config
    cfg.resume = True
    if not RunFolder(cfg.out).has_state():
        raise JobError("that run saved no checkpoint yet, so there is nothing to resume")
    VISITORS.room_for_a_job()
    jobs.start(cfg)
    return f"Resumed **{Path(cfg.out).name}**."


def stop():
    return VISITORS.jobs().stop().message()


def chain():
    """After Start or Resume: on ZeroGPU, the bursts, one GPU call each, while this page stays (the
    runner trains nothing by itself there); elsewhere nothing, the job's own process trains."""
    jobs = VISITORS.jobs()
    if hasattr(jobs, "chain"):
        for _ in jobs.chain(note=gr.Warning):  # the status line shows each burst; Stop's message stays
            yield


def _curves(metrics):
    train = [m for m in metrics if m.get("kind") == "train"]
    rows = [{"step": m["step"], "value": m[k], "series": k} for m in train for k in ("loss_g", "loss_d") if k in m]
    drows = [{"step": m["step"], "value": m[k], "series": label} for m in train
             for k, label in (("d_real", "D(x)"), ("d_fake", "D(G(z))")) if k in m]
    erows = [{"step": m["step"], "value": m["class_accuracy"], "series": "class accuracy"} for m in metrics
             if m.get("kind") == "eval" and "class_accuracy" in m]
    frame = lambda r: pd.DataFrame(r) if r else None  # noqa: E731
    # One evaluation is a number, not a curve: it is said in the status line until there are two.
    return frame(rows), frame(drows), frame(erows) if len(erows) > 1 else None


def _fmt_s(s):
    s = int(s)
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


def refresh():
    """Called by the timer: everything comes from the server-side job, so reloads see the same job."""
    st = VISITORS.jobs().status()
    if st["state"] == "idle":
        return "No training job yet.", *_plots(EMPTY, EMPTY, EMPTY), None, gr.update()
    metrics = read_metrics(Path(st["run_dir"]))
    loss, dvals, eval_curve = _curves(metrics)
    text = f"**{Path(st['run_dir']).name}: {st['state']}** · step {st['step']} / {st['total']}"
    if st.get("images_per_s"):
        text += f" · {st['images_per_s']:.0f} images/s"
    if st.get("eta_s") is not None:
        text += f" · about {_fmt_s(st['eta_s'])} left"
    if st.get("bursts") is not None:
        text += f" · {st['bursts']} GPU burst{'s' * (st['bursts'] != 1)}, GPU time used {_fmt_s(st['gpu_seconds'])}"
    evals = [m for m in metrics if m.get("kind") == "eval" and "class_accuracy" in m]
    if len(evals) == 1:
        text += (f"\n\nFirst evaluation (step {evals[0]['step']:,}): a separate reader recognises "
                 f"{evals[0]['class_accuracy']:.0%} of its samples; the curve appears after the next one.")
    if st.get("error"):
        text += f"\n\n⚠️ {public_text(st['error'])}"
    grids = samples(Path(st["run_dir"]))
    latest = str(grids[-1]) if grids else None
    browse = gr.update(maximum=max(len(grids), 2), value=max(len(grids), 1), visible=len(grids) > 1)
    return text, *_plots(loss, dvals, eval_curve), latest, browse


def _plots(*frames):
    """Each plot shown once it has data; until then one line says what will appear (no blank axes)."""
    updates = [gr.update(value=f, visible=f is not None) for f in frames]
    return (*updates, gr.update(visible=all(f is None for f in frames)))


def browse_grid(index):
    run_dir = VISITORS.jobs().run_dir
    if run_dir is None:
        return None
    grids = samples(run_dir)
    if not grids:
        return None
    i = min(max(int(index or 1), 1), len(grids)) - 1
    return str(grids[i])


def _finished_run(missing: str) -> RunFolder:
    """The job's run folder once it holds a generator, else a JobError saying `missing`."""
    run_dir = VISITORS.jobs().run_dir
    if run_dir is None or not RunFolder(run_dir).has_generator():
        raise JobError(missing)
    return RunFolder(run_dir)


@user_errors
def use_in_digits():
    run = _finished_run("no trained generator yet: start a run and let it write a checkpoint")
    slot = VISITORS.own_generator()
    msg = slot.load(str(run.generator))
    if slot.error:
        raise JobError(msg)
    return msg


@user_errors
def run_for_generate():
    """The job's run, as the Generate tab's picker lists it."""
    return _finished_run("no trained generator yet: start a run and let it write a checkpoint").root.name


@user_errors
def nearest_pictures():
    """Samples of the job's generator beside their nearest training pictures: does it copy?"""
    from studio.ui.generate_tab import open_run

    run = _finished_run("no trained generator yet: start a run and let it write a checkpoint")
    grid, line = open_run(str(run.root)).samples_beside_nearest()
    return gr.update(value=grid, visible=True), line


@user_errors
def download():
    run = _finished_run("no checkpoint to download yet")
    return gr.update(value=[str(run.generator), str(config_path(run.generator))], visible=True)


@user_errors
def publish(repo_id, private, oauth_token: gr.OAuthToken | None = None):
    """Gradio passes the signed-in visitor's token (None for anyone else): the push is theirs."""
    from studio.digits.publish import publish_generator
    from studio.share.hub import hub_request, publish_token

    token = publish_token(oauth_token.token if oauth_token else None)  # refused first, before anything is read
    run = _finished_run("no trained generator to publish yet")
    with hub_request("publishing"):
        url = publish_generator(run.root, repo_id, bool(private), token)
    return f"Published to {url}"


def _from_form(values: dict, names: dict, data: dict) -> tuple[dict, str | None]:
    """The form's values by field name, and the data the panel says."""
    try:
        spec = data_panel.data_spec(values.pop(data["source"]), values.pop(data["archive"]))
    except JobError as e:
        raise gr.Error(str(e), print_exception=False) from None
    return {names[c]: v for c, v in values.items()}, spec


@user_errors
def start_from(values: dict, names: dict, data: dict) -> str:
    settings, spec = _from_form(values, names, data)
    if spec:  # unusable pictures are refused here, with the upload's own message, before a run exists
        data_panel.read(spec, settings.get("size", TrainConfig.size),
                        settings.get("background", TrainConfig.background))
    return start(settings, spec)


@user_errors
def estimate_from(values: dict, names: dict, data: dict) -> str:
    """How long the form's run would take, from a few steps timed here now (studio.training.estimate)."""
    from studio.training.estimate import describe, steps_per_second

    settings, spec = _from_form(values, names, data)
    if set(settings) - set(FORM):
        raise JobError("not a training setting")
    cfg = TrainConfig(out="estimate", data=spec, **settings).validate()  # steps_per_second uses a temporary folder
    return f"⏱ {describe(cfg, steps_per_second(cfg))}"


def build(digits: dict) -> dict:
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            data = data_panel.build()
            recipe = gr.Dropdown(tab_recipes(), value=START_RECIPE, label="Recipe",
                                 info="fills the settings below; change any of them after", elem_id="train-recipe")
            controls = form(form_values(START_RECIPE))
            with gr.Row():
                start_btn = gr.Button("Train", variant="primary", elem_id="train-start")
                stop_btn = gr.Button("Stop", variant="stop", elem_id="train-stop")
                resume_btn = gr.Button("Resume", elem_id="train-resume")
                estimate_btn = gr.Button("Estimate time", elem_id="train-estimate")
            with gr.Row():
                use_btn = gr.Button("Use in Digits", elem_id="train-use")
                gen_btn = gr.Button("Open in Generate", elem_id="train-generate")
                near_btn = gr.Button("Nearest training pictures", elem_id="train-nearest-btn")
                dl_btn = gr.Button("Download checkpoint")
            with gr.Accordion("Publish to the Hugging Face Hub", open=False):
                if os.environ.get("OAUTH_CLIENT_ID"):  # a Space with hf_oauth: true; elsewhere Gradio
                    gr.LoginButton()  # would need this machine logged in just to start
                else:
                    gr.Markdown("Publishing uses this machine's Hugging Face token (`hf auth login`)."
                                if owner_actions() else "Publishing needs a sign-in, which this deployment lacks.")
                repo_id = gr.Textbox(label="Repo id", placeholder="USER/NAME", max_length=200)
                private = gr.Checkbox(label="Private")
                pub_btn = gr.Button("Publish generator")
            message = gr.Markdown(elem_id="train-message")
            near_img = gr.Image(label="Samples | their 4 nearest training pictures", type="pil", interactive=False,
                                visible=False, elem_id="train-nearest")
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
                grid = gr.Image(label="Samples from fixed noise (a row per digit or class)", interactive=False, height=320,
                                elem_id="train-grid")
                eval_plot = gr.LinePlot(EMPTY, x="step", y="value", color="series", title="Evaluation", height=260,
                                        visible=False)
            grid_index = gr.Slider(1, 2, 1, step=1, label="Browse sample grids over time", visible=False)
    timer = gr.Timer(1.0)
    timer.tick(refresh, None, [status, loss_plot, d_plot, eval_plot, hint, grid, grid_index], api_visibility="private",
               queue=False, show_progress="hidden")
    names = {control: name for name, control in controls.items()}
    recipe.input(lambda r: [form_values(r)[n] for n in controls], recipe, list(controls.values()),
                 api_visibility="private")
    # A set of inputs arrives as one dict (control -> value): one handler argument for ~30 fields.
    start_btn.click(**VISITORS.fair("train", said(lambda values: start_from(values, names, data))),
                    inputs={*controls.values(), data["source"], data["archive"]}, outputs=message,
                    api_name="train_start", api_visibility="undocumented").success(chain, None, None,
                                                                                    api_visibility="private")
    estimate_btn.click(**VISITORS.fair("load", said(lambda values: estimate_from(values, names, data))),
                       inputs={*controls.values(), data["source"], data["archive"]}, outputs=message,
                       api_visibility="private")
    data_panel.wire(data, controls["size"], controls["background"])
    # Queued (not queue=False) so refusals show their message as a notification.
    stop_btn.click(stop, None, message, api_name="train_stop", api_visibility="undocumented")
    resume_btn.click(said(resume), None, message, api_name="train_resume", api_visibility="undocumented").success(
        chain, None, None, api_visibility="private")
    grid_index.release(browse_grid, grid_index, grid, api_visibility="private", queue=False)
    use_btn.click(said(use_in_digits), None, message, api_name="train_use", api_visibility="undocumented").then(
        VISITORS.describe, None, digits["status"], api_visibility="private", queue=False).then(
        digits["back_to_seed"], None, [digits["twin"], digits["mode"]], api_visibility="private", queue=False).then(
        digits["browser_engine"], None, digits["web"], api_visibility="private", queue=False).then(
        digits["slider_updates"], digits["method"], digits["sliders"], api_visibility="private", queue=False).then(
        digits["render"], digits["inputs"], digits["picture"], api_visibility="private", queue=False)
    near_btn.click(nearest_pictures, None, [near_img, message], api_visibility="private")
    dl_btn.click(download, None, files, api_name="train_download", api_visibility="undocumented")
    pub_btn.click(said(publish), [repo_id, private], message, api_name="train_publish", api_visibility="undocumented")
    return {"open_in_generate": gen_btn, "run_for_generate": run_for_generate}
