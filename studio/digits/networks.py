"""The MNIST networks: a class-conditional generator, its discriminator and the evaluation classifier.

Sizes are small on purpose: the generator must draw one digit in well under 2 ms on a
2-core CPU so that latent sliders feel live, and the whole GAN must train on a CPU.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import spectral_norm

NUM_CLASSES = 10
IMAGE_SIZE = 28


@dataclass(frozen=True)
class GeneratorConfig:
    latent_dim: int = 64
    channels: int = 64  # width of the last hidden layer; the first is twice this
    num_classes: int = NUM_CLASSES  # 0 means unconditional
    depth: int = 1  # 1: one transposed conv per scale (the first shipped generator); 2: plus a 3x3 conv at each
    image_size: int = IMAGE_SIZE  # 28 (MNIST, the shipped generator); 32 or 64 for your own pictures
    image_channels: int = 1  # 1 grey, 3 colour

    def to_dict(self) -> dict:
        """Without the picture's shape for MNIST's 28 px grey: an MNIST generator's JSON stays as it was."""
        out = asdict(self)
        if (self.image_size, self.image_channels) == (IMAGE_SIZE, 1):
            del out["image_size"], out["image_channels"]
        return out


def base_side(image_size: int) -> int:
    """The first hidden layer's side: 7 for 28 px, 8 for 32 px (two upsamplings), 8 for 64 px (three)."""
    return image_size // (8 if image_size == 64 else 4)


class Generator(nn.Module):
    """DCGAN-style generator: (z, class weights) -> C x S x S image in [-1, 1] (1 x 28 x 28 for MNIST).

    The class enters as a weight vector over the classes rather than an index, so a
    mixture such as 0.7*"3" + 0.3*"8" is a valid input: that is how the studio blends
    one digit into another.
    """

    def __init__(self, config: GeneratorConfig = GeneratorConfig()):
        super().__init__()
        self.config = config
        c, out = config.channels, config.image_channels
        self.side = base_side(config.image_size)
        in_dim = config.latent_dim + config.num_classes
        self.fc = nn.Linear(in_dim, 2 * c * self.side * self.side)
        self.bn0 = nn.BatchNorm2d(2 * c)
        self.up1 = nn.ConvTranspose2d(2 * c, c, 4, 2, 1)  # 7 -> 14 (MNIST)
        self.bn1 = nn.BatchNorm2d(c)
        if config.image_size == 64:  # one more scale: 16 -> 32
            self.up_mid = nn.ConvTranspose2d(c, c, 4, 2, 1)
            self.bn_mid = nn.BatchNorm2d(c)
        if config.depth == 1:
            self.up2 = nn.ConvTranspose2d(c, out, 4, 2, 1)  # 14 -> 28
        else:
            # The extra 3x3 convs cost little at 14 and 28 px and give each scale room to shape strokes.
            self.conv1 = nn.Conv2d(c, c, 3, 1, 1)
            self.bn1b = nn.BatchNorm2d(c)
            self.up2 = nn.ConvTranspose2d(c, c // 2, 4, 2, 1)
            self.bn2 = nn.BatchNorm2d(c // 2)
            self.conv2 = nn.Conv2d(c // 2, out, 3, 1, 1)

    def features(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """First hidden layer (2c x 7 x 7): where GANSpace-style PCA looks for directions."""
        if self.config.num_classes:
            if y is None:
                raise ValueError("this generator is class-conditional: pass class weights y")
            z = torch.cat([z, y.to(z.dtype)], dim=1)
        h = self.fc(z).view(z.shape[0], -1, self.side, self.side)
        return F.relu(self.bn0(h))

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        h = F.relu(self.bn1(self.up1(self.features(z, y))))
        if self.config.image_size == 64:
            h = F.relu(self.bn_mid(self.up_mid(h)))
        if self.config.depth == 1:
            return torch.tanh(self.up2(h))
        h = F.relu(self.bn1b(self.conv1(h)))
        h = F.relu(self.bn2(self.up2(h)))
        return torch.tanh(self.conv2(h))


class Discriminator(nn.Module):
    """Spectrally normalised CNN with a projection head for the class (Miyato & Koyama 2018)
    and an optional auxiliary classifier head (AC-GAN) that the trainer may weight in."""

    def __init__(self, channels: int = 64, num_classes: int = NUM_CLASSES, image_channels: int = 1,
                 image_size: int = IMAGE_SIZE):
        super().__init__()
        c = channels
        self.num_classes = num_classes
        layers = [
            spectral_norm(nn.Conv2d(image_channels, c, 4, 2, 1)), nn.LeakyReLU(0.2),  # 14 (MNIST)
            spectral_norm(nn.Conv2d(c, 2 * c, 4, 2, 1)), nn.LeakyReLU(0.2),  # 7
            spectral_norm(nn.Conv2d(2 * c, 2 * c, 3, 2, 1)), nn.LeakyReLU(0.2),  # 4
        ]
        if image_size == 64:  # 8 -> 4
            layers += [spectral_norm(nn.Conv2d(2 * c, 2 * c, 3, 2, 1)), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers, nn.Flatten())
        feat = 2 * c * 4 * 4
        self.out = spectral_norm(nn.Linear(feat, 1))
        if num_classes:
            self.embed = spectral_norm(nn.Embedding(num_classes, feat))
            self.aux = nn.Linear(feat, num_classes)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None):
        """Returns (realness logits (N,), class logits (N, classes) or None)."""
        h = self.body(x)
        logit = self.out(h).squeeze(1)
        if not self.num_classes:
            return logit, None
        logit = logit + (self.embed(labels) * h).sum(1)
        return logit, self.aux(h)


class Classifier(nn.Module):
    """The evaluator: a small CNN whose 128-d penultimate layer is the feature space for
    FID and precision/recall, and whose softmax gives class accuracy and Inception Score."""

    feature_dim = 128

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 14
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),  # 7
            nn.Flatten(),
        )
        self.fc = nn.Sequential(nn.Dropout(0.3), nn.Linear(64 * 7 * 7, self.feature_dim), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(self.feature_dim, NUM_CLASSES))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.conv(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def one_hot(labels: torch.Tensor, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    return F.one_hot(labels.long(), num_classes).float()


class Encoder(nn.Module):
    """A picture of a digit -> (latent, class logits) of a generator: where the search for a
    drawing's twin starts. Trained by studio.training.encoder against one frozen generator."""

    def __init__(self, latent_dim: int = 64, channels: int = 32, num_classes: int = NUM_CLASSES):
        super().__init__()
        c = channels
        self.body = nn.Sequential(
            nn.Conv2d(1, c, 3, 1, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(c, c, 4, 2, 1), nn.BatchNorm2d(c), nn.LeakyReLU(0.2),  # 14
            nn.Conv2d(c, 2 * c, 4, 2, 1), nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2),  # 7
            nn.Conv2d(2 * c, 2 * c, 3, 1, 1), nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(2 * c * 7 * 7, 256), nn.LeakyReLU(0.2),
        )
        self.latent = nn.Linear(256, latent_dim)
        self.classes = nn.Sequential(nn.Dropout(0.2), nn.Linear(256, num_classes))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (N, 1, 28, 28) in [-1, 1] -> (latent (N, latent_dim), class logits (N, classes))."""
        h = self.body(x)
        return self.latent(h), self.classes(h)
