"""The names of the files a browser build holds: defined once, read by the exporter, the site
builder, the app that serves them and the page's own scripts (through runtime.json)."""

GENERATOR = "generator.onnx"
GENERATOR_META = "generator.json"  # latent size, classes, named directions, the source's metrics
ENCODER = "encoder.onnx"  # the twin's proposal: a drawing -> (latent, class logits)
STYLE_ENCODER = "style_encoder.onnx"  # a painting -> its code (eight tensors)
CONTENT_ENCODER = "content_encoder.onnx"  # a photo -> its two feature maps
DECODER = "decoder.onnx"  # features + code -> the painted photo
MODELS = "models"  # the folder of a site that holds the files above
RUNTIME = "ort"  # the folder of a site that holds onnxruntime-web's files
