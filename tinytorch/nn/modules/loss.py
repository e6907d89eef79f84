"""``tinytorch.nn.modules.loss``, as torch's path: the loss layers and their bases
``_Loss``/``_WeightedLoss``, the same classes as ``tinytorch.nn``'s."""
from ..loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss,
                    NLLLoss, SmoothL1Loss, _Loss, _WeightedLoss)

__all__ = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "HuberLoss", "L1Loss", "MSELoss",
           "NLLLoss", "SmoothL1Loss"]
