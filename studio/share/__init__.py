"""Share: generators to and from the Hugging Face Hub (hub.py) and the app to a Space (deploy.py).
Knows no model: callers hand it files and pictures."""
