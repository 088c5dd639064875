"""The studio in the browser: its models as ONNX for onnxruntime-web (export), the runtime taken
from the npm registry with its integrity checked (runtime), and the static site (site)."""
