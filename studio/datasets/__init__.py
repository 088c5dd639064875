"""Training sets of your own pictures: folders, archives and torchvision sets, read as ImageSets."""
