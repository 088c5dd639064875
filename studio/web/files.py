"""The names of the files a browser build holds, for the exporter and the site builder. The page's
scripts name them once too, in static/engine.js's FILES (tests/web/test_export.py keeps the two equal)."""

GENERATOR = "generator.onnx"
GENERATOR_META = "generator.web.json"  # latent size, classes, named directions, the source's metrics
ENCODER = "encoder.onnx"  # the twin's proposal: a drawing -> (latent, class logits)
STYLE_ENCODER = "style_encoder.onnx"  # a painting -> its code (eight tensors)
CONTENT_ENCODER = "content_encoder.onnx"  # a photo -> its two feature maps
DECODER = "decoder.onnx"  # features + code -> the painted photo
MODELS = "models"  # the folder of a site that holds the files above
GENERATORS = "generators"  # under MODELS: one folder per generator of the Generate tab (GENERATOR and its META)
GENERATORS_LIST = "generators.json"  # under MODELS: those folders, with each generator's name and classes
RUNTIME = "ort"  # the folder of a site that holds onnxruntime-web's files
