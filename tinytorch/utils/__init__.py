"""tinytorch.utils."""
from . import data
