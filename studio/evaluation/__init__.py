"""Evaluation: sample-quality metrics as plain math (metrics.py) and the evaluator that feeds
them the project's MNIST classifier's features (evaluator.py)."""
