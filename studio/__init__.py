"""GAN Art Studio: generative models for digits and paintings, usable without the UI."""

__version__ = "0.2.0"
