"""Helpers shared by the data modules (``torch.utils.data._utils``); ``collate`` holds
``default_collate`` and ``default_convert``."""
import numpy as np


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
