import numpy as np
import pytest

from studio.evaluation import metrics


def test_fid_identical_sets_is_zero():
    f = np.random.default_rng(0).normal(size=(2000, 16))
    assert metrics.fid(f, f) == pytest.approx(0.0, abs=1e-6)


def test_fid_known_gaussians():
    # Two Gaussians with identity covariance whose means differ by 3 along one axis: FID = 9.
    rng = np.random.default_rng(1)
    a = rng.normal(size=(200000, 4))
    b = rng.normal(size=(200000, 4)) + np.array([3, 0, 0, 0])
    assert metrics.fid(a, b) == pytest.approx(9.0, abs=0.1)


def test_frechet_distance_scaled_covariance():
    # N(0, I) vs N(0, 4I) in d dims: tr(I + 4I - 2*2I) = d.
    d = 5
    assert metrics.frechet_distance(np.zeros(d), np.eye(d), np.zeros(d), 4 * np.eye(d)) == pytest.approx(d)


def test_inception_score_extremes():
    confident_uniform = np.eye(10)[np.arange(10000) % 10] * 0.999 + 0.0001
    assert metrics.inception_score(confident_uniform)[0] == pytest.approx(10, rel=0.02)
    one_class = np.tile(np.eye(10)[0], (1000, 1))
    assert metrics.inception_score(one_class)[0] == pytest.approx(1.0, abs=1e-6)
    uncertain = np.full((1000, 10), 0.1)
    assert metrics.inception_score(uncertain)[0] == pytest.approx(1.0, abs=1e-6)


def test_precision_recall_same_distribution_high():
    rng = np.random.default_rng(2)
    p, r = metrics.precision_recall(rng.normal(size=(1500, 8)), rng.normal(size=(1500, 8)))
    # k=3 balls miss some points even for one distribution: about 0.88 here, not 1
    assert p > 0.85 and r > 0.85


def test_precision_recall_mode_collapse():
    rng = np.random.default_rng(3)
    real = rng.normal(size=(1500, 8))
    collapsed = rng.normal(size=(1500, 8)) * 0.05  # all fakes near one point: precise but no coverage
    p, r = metrics.precision_recall(real, collapsed)
    assert p > 0.9 and r < 0.1


def test_precision_recall_disjoint():
    rng = np.random.default_rng(4)
    p, r = metrics.precision_recall(rng.normal(size=(1000, 8)), rng.normal(size=(1000, 8)) + 50)
    assert p == 0.0 and r == 0.0


def test_inception_score_ignores_sample_order():
    ordered = np.eye(10)[np.repeat(np.arange(10), 1000)] * 0.99 + 0.001
    # near exp(log 10 - H(row)) = 9.3, not the ~1 that one class per split would give
    assert metrics.inception_score(ordered)[0] > 9.0


def test_density_coverage_identical_sets():
    # Each point lies in its own ball and in exactly k others': density = (k+1)/k (less a few
    # points exactly on a ball's edge, which rounding can put either side), and every real
    # ball holds a fake.
    f = np.random.default_rng(3).normal(size=(1200, 8))
    density, coverage = metrics.density_coverage(f, f, k=5, chunk=500)
    assert coverage == 1.0
    assert density == pytest.approx(6 / 5, abs=0.01)


def test_density_coverage_disjoint_sets():
    rng = np.random.default_rng(4)
    real = rng.normal(size=(800, 8))
    assert metrics.density_coverage(real, rng.normal(size=(800, 8)) + 100) == (0.0, 0.0)


def test_coverage_counts_the_real_modes_reached():
    """Ten far-apart clusters of reals; the fakes copy five of them three times over: coverage is
    one half however many copies there are, and density stays a copy's (k+1)/k."""
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(10, 8)) * 20  # clusters about 4 wide, 50 apart
    real = np.concatenate([c + rng.normal(size=(100, 8)) for c in centres])
    fake = np.tile(real[:500], (3, 1))
    density, coverage = metrics.density_coverage(real, fake, k=5)
    assert coverage == pytest.approx(0.5, abs=0.005)
    assert density == pytest.approx(6 / 5, abs=0.01)


def test_per_class_fid():
    rng = np.random.default_rng(6)
    real = rng.normal(size=(3000, 4))
    labels = np.repeat(np.arange(3), 1000)
    fake = real.copy()
    fake[labels == 1] += np.array([2.0, 0, 0, 0])  # class 1 shifted by 2: FID 4 there, 0 elsewhere
    fids = metrics.per_class_fid(real, labels, fake, labels)
    assert fids[0] == pytest.approx(0, abs=1e-6) and fids[2] == pytest.approx(0, abs=1e-6)
    assert fids[1] == pytest.approx(4.0, abs=1e-6)
