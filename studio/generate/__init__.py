"""Generate: draw from any generator the studio has trained (own pictures at 32 or 64 px, grey or
colour, classes by their names), beside the training pictures nearest to each sample."""

from studio.generate.model import TrainedModel

__all__ = ["TrainedModel"]
