"""Training in bursts: each burst loads the run's state, trains for at most its time, checkpoints and
returns, as one ZeroGPU call must (a GPU is lent for one decorated call at a time). The same
mechanics run on the CPU: `python -m studio train --burst-seconds S`.

    result = train_in_bursts(config, should_stop=stop.is_set)   # burst after burst until done
"""

from __future__ import annotations

from dataclasses import replace

from studio.training.config import TrainConfig


def train_burst(cfg: TrainConfig, seconds: float, max_steps: int | None = None, should_stop=lambda: False,
                on_record=lambda r: None, rank: int = 0, world_size: int = 1) -> dict:
    """One burst from the run folder's last checkpoint (a fresh run when it has none): at most
    `seconds` of training (and at most `max_steps` steps, for tests), then a checkpoint."""
    from studio.training.trainer import Trainer

    trainer = Trainer(replace(cfg, resume=True, minutes=seconds / 60), rank, world_size)
    start = {}

    def stop() -> bool:
        start.setdefault("step", trainer.step)  # the first call comes after the checkpoint is loaded
        return should_stop() or (max_steps is not None and trainer.step - start["step"] >= max_steps)

    result = trainer.run(should_stop=stop, on_record=on_record)
    return {**result, "burst_steps": trainer.step - start.get("step", trainer.step),
            "burst_seconds": round(trainer.last_session_seconds, 3)}


def train_in_bursts(cfg: TrainConfig, should_stop=lambda: False, on_burst=lambda r: None,
                    max_steps: int | None = None, **kwargs) -> dict:
    """Bursts of cfg.burst_seconds until the run is finished or should_stop() (checked inside each
    burst and between them); returns the last burst's result with the number of bursts."""
    bursts, result = 0, None
    while not should_stop():
        result = train_burst(cfg, cfg.burst_seconds, max_steps, should_stop, **kwargs)
        bursts += 1
        on_burst({**result, "bursts": bursts})
        if result["step"] >= result["total"]:
            return {**result, "status": "finished", "bursts": bursts}
    return {**(result or {"step": None, "out": cfg.out}), "status": "stopped", "bursts": bursts}
