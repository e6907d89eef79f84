"""``tinytorch.linalg``: torch.linalg's functions (the code is in tinytorch/_decomp.py).

>>> import tinytorch as torch
>>> torch.linalg.det(torch.eye(2))
tensor(1.)
"""
