"""Training: the GAN trainer (config, losses, optimiser state, the run loop), the evaluation
classifier's training, and background jobs that run `python -m studio train` for the app."""
