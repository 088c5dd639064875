"""Sample-quality metrics as plain math on feature vectors and class probabilities.

No model in here: studio.evaluation.evaluator decides which network supplies the features.
"""

from __future__ import annotations

import numpy as np
import torch


def mean_cov(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(features, dtype=np.float64)
    return f.mean(0), np.cov(f, rowvar=False)


def _sqrtm_psd(a: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((a + a.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(mu1, cov1, mu2, cov2) -> float:
    """||mu1 - mu2||^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2).

    Written with symmetric eigendecompositions, which stay real and stable where a
    general matrix square root of C1 C2 can pick up imaginary noise.
    """
    s1 = _sqrtm_psd(cov1)
    inner = s1 @ cov2 @ s1
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0, None)).sum()
    d = float(((mu1 - mu2) ** 2).sum() + np.trace(cov1) + np.trace(cov2) - 2 * tr_sqrt)
    return max(d, 0.0)


def fid(features_a: np.ndarray, features_b: np.ndarray) -> float:
    return frechet_distance(*mean_cov(features_a), *mean_cov(features_b))


def inception_score(probs: np.ndarray, splits: int = 10) -> tuple[float, float]:
    """exp(E_x KL(p(y|x) || p(y))), mean and std over splits (Salimans et al. 2016).

    Rows are shuffled (with a fixed seed) before splitting: class-ordered samples would
    otherwise put one class in each split and score near 1."""
    p = np.asarray(probs, dtype=np.float64)
    p = p[np.random.default_rng(0).permutation(len(p))]
    scores = []
    for part in np.array_split(p, splits):
        py = part.mean(0, keepdims=True)
        kl = (part * (np.log(part + 1e-12) - np.log(py + 1e-12))).sum(1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def _kth_neighbour_radii(x: torch.Tensor, k: int, chunk: int) -> torch.Tensor:
    radii = []
    for i in range(0, len(x), chunk):
        d = torch.cdist(x[i:i + chunk], x)
        # k+1 because each point's nearest neighbour is itself at distance 0
        radii.append(d.kthvalue(k + 1, dim=1).values)
    return torch.cat(radii)


def _coverage(queries: torch.Tensor, refs: torch.Tensor, radii: torch.Tensor, chunk: int) -> float:
    """Fraction of queries inside at least one reference point's k-NN ball."""
    inside = 0
    for i in range(0, len(queries), chunk):
        d = torch.cdist(queries[i:i + chunk], refs)
        inside += (d <= radii[None, :]).any(1).sum().item()
    return inside / len(queries)


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3, chunk: int = 1000) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019): the real manifold is the
    union of balls reaching each real point's k-th nearest real neighbour; precision is the
    share of fakes inside it, recall the share of reals inside the fake manifold."""
    r = torch.as_tensor(np.asarray(real), dtype=torch.float32)
    f = torch.as_tensor(np.asarray(fake), dtype=torch.float32)
    precision = _coverage(f, r, _kth_neighbour_radii(r, k, chunk), chunk)
    recall = _coverage(r, f, _kth_neighbour_radii(f, k, chunk), chunk)
    return precision, recall


def density_coverage(real: np.ndarray, fake: np.ndarray, k: int = 5, chunk: int = 1000) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020), on the same k-NN balls around real points as
    precision. Density counts, for each fake, how many real balls hold it, over k times the
    number of fakes: about 1 when fakes are spread like reals, (k+1)/k for a copy of the real
    set, above that when fakes crowd dense regions. Coverage is the share of real balls that
    hold at least one fake: unlike recall, one outlying fake cannot inflate it."""
    r = torch.as_tensor(np.asarray(real), dtype=torch.float32)
    f = torch.as_tensor(np.asarray(fake), dtype=torch.float32)
    radii = _kth_neighbour_radii(r, k, chunk)
    held = torch.zeros(len(r), dtype=torch.bool)
    count = 0
    for i in range(0, len(f), chunk):
        inside = torch.cdist(f[i:i + chunk], r) <= radii[None, :]
        count += inside.sum().item()
        held |= inside.any(0)
    return count / (k * len(f)), held.float().mean().item()


def per_class_fid(real: np.ndarray, real_labels: np.ndarray, fake: np.ndarray, fake_labels: np.ndarray) -> list[float]:
    """FID of each class's samples against the real images of that class (classes 0..max label)."""
    real_labels, fake_labels = np.asarray(real_labels), np.asarray(fake_labels)
    return [fid(fake[fake_labels == c], real[real_labels == c]) for c in range(int(real_labels.max()) + 1)]


def kid(features_a: np.ndarray, features_b: np.ndarray, subsets: int = 20, subset_size: int = 500,
        seed: int = 0) -> tuple[float, float]:
    """Kernel Inception Distance (Bińkowski et al. 2018): the unbiased MMD^2 between the two sets under
    the kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets (mean, std). Unlike FID it has
    no bias from the number of samples, so it suits small sets of one's own pictures."""
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    m = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    d = a.shape[1]
    values = []
    for _ in range(subsets):
        x, y = a[rng.choice(len(a), m, replace=False)], b[rng.choice(len(b), m, replace=False)]
        kxx, kyy, kxy = (x @ x.T / d + 1) ** 3, (y @ y.T / d + 1) ** 3, (x @ y.T / d + 1) ** 3
        mmd = ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1)) - 2 * kxy.mean()
        values.append(mmd)
    return float(np.mean(values)), float(np.std(values))
