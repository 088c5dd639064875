"""Digits: the class-conditional MNIST GAN, its latent directions, sampling and checkpoints.

    from studio.digits import DigitStudio
    studio = DigitStudio.from_checkpoint()          # the shipped generator
    img = studio.image(seed=7, digit=3)             # 28x28 PIL image
"""

from studio.digits.pipeline import MAX_SEED, SLIDER_RANGE, DigitStudio, Direction, GanStudio, slerp

__all__ = ["MAX_SEED", "SLIDER_RANGE", "DigitStudio", "Direction", "GanStudio", "slerp"]
