"""tinytorch.optim: optimizers and learning-rate schedulers.

>>> opt = tinytorch.optim.Adam(model.parameters(), lr=1e-3)
>>> sched = tinytorch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
>>> for epoch in range(epochs):
...     for x, y in loader:
...         opt.zero_grad()
...         loss_fn(model(x), y).backward()
...         opt.step()
...     sched.step()
"""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
