"""Style: a photo painted in the style of paintings.

fast.FastStylizer (MicroAST, one forward pass) and classic.ClassicStylizer (Gatys et al.
optimisation) share tensors.py; worker.StyleWorker runs the fast engine in a child process;
weights.py finds or downloads the pretrained MicroAST weights and verifies them.
"""
