"""A stand-in for the `spaces` package that records what the studio decorates, for
tests/core/test_zero_gpu.py: DECORATED maps each decorated function's name to the duration it was
given, and CALLS lists (name, seconds asked) for each call made through a decorated function."""

import functools

DECORATED = {}
CALLS = []


def GPU(task=None, *, duration=None, size=None):
    if task is None:
        return functools.partial(GPU, duration=duration, size=size)
    name = f"{task.__module__}.{task.__qualname__}"
    DECORATED[name] = duration

    @functools.wraps(task)
    def call(*args, **kwargs):
        CALLS.append((name, duration(*args, **kwargs) if callable(duration) else duration))
        return task(*args, **kwargs)

    return call
