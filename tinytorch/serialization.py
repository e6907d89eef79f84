"""tinytorch.save / tinytorch.load (pickle-free checkpoints)."""


def save(obj, f):
    raise NotImplementedError


def load(f):
    raise NotImplementedError
