"""A generator's scores in plain words: what a person gets first, the measures behind it on demand."""

from __future__ import annotations


def variety(recall: float, floor: float) -> str:
    """Recall against real pictures' own recall: how much of the real variety the samples cover."""
    share = recall / floor if floor else 0.0
    if share >= 0.9:
        return "about as varied as the real ones"
    if share >= 0.7:
        return "a little less varied than the real ones"
    return "much less varied than the real ones"


def summary(metrics: dict, things: str = "digits") -> str:
    """One sentence a person understands, or "" when the generator was never evaluated."""
    if not metrics or "class_accuracy" not in metrics:
        return ""
    words = f"Draws {things} that a separate reader recognises {metrics['class_accuracy']:.1%} of the time"
    if metrics.get("recall") is not None and metrics.get("recall_floor"):
        words += f", {variety(metrics['recall'], metrics['recall_floor'])}"
    return words + "."


def details(metrics: dict) -> str:
    """The measures behind the sentence, each beside its real-picture floor where there is one."""
    rows = [("class accuracy", "class_accuracy", "{:.1%}"), ("FID (lower is better)", "fid", "{:.2f}"),
            ("precision", "precision", "{:.2f}"), ("recall", "recall", "{:.2f}"),
            ("Inception Score", "inception_score", "{:.2f}")]
    lines = []
    for name, key, fmt in rows:
        if metrics.get(key) is None:
            continue
        floor = metrics.get(f"{key}_floor")
        lines.append(f"{name}: {fmt.format(metrics[key])}" + (f" (real pictures: {fmt.format(floor)})" if floor else ""))
    if "cas" in metrics:
        lines.append(f"a classifier taught only by these samples scores {metrics['cas']:.2%} on real test digits "
                     f"(taught by real digits: {metrics['cas_real']:.2%})")
    return "; ".join(lines)
