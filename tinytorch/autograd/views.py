"""What autograd remembers of a view: where it lives in the tensor it was cut from.

A view (``x[1:]``, ``x.t()``, ``x.view(...)``) shares memory and the version counter with
its base.  When a view is changed in place, its root's history has to change too (torch's
CopySlices), and when the root changes, the view's history is rebuilt from the root.  For
that a view keeps a ``ViewInfo``.
"""


class ViewInfo:
    """``root``: the tensor that owns the memory; ``fn``: root array -> this view's array;
    ``version``: the version counter's value when the view's grad_fn was recorded;
    ``multi_output``: made by split/chunk/unbind, which torch does not let autograd modify
    in place."""

    __slots__ = ("root", "fn", "version", "multi_output")

    def __init__(self, root, fn, version, multi_output):
        self.root = root
        self.fn = fn
        self.version = version
        self.multi_output = multi_output
