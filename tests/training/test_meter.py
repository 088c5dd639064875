"""The log line's means and image rate."""

from studio.training.meter import Meter


def test_means_since_the_last_flush_and_a_positive_rate():
    m = Meter(images_per_step=64)
    m.add({"loss_d": 1.0, "loss_g": 2.0})
    m.add({"loss_d": 3.0, "loss_g": 4.0})
    out = m.flush()
    assert (out["loss_d"], out["loss_g"]) == (2.0, 3.0) and out["images_per_s"] > 0
    m.add({"loss_d": 5.0, "loss_g": 0.0})
    assert m.flush()["loss_d"] == 5.0
