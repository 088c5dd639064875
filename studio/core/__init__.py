"""The studio's foundation, knowing no model: paths, number checks, image helpers, the
untrusted-upload reader, and safetensors + JSON files. It imports nothing else from studio."""
