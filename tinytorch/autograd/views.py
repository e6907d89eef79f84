"""What autograd remembers of a view: where it lives in the tensor it was cut from.

A view (``x[1:]``, ``x.t()``, ``x.view(...)``) shares memory and the version counter with
its base.  When a view is changed in place, its root's history has to change too (torch's
CopySlices), and when the root changes, the view's history is rebuilt from the root.  For
that a view keeps a ``ViewInfo``.

Below it, the small helpers through which the rest of tinytorch reads and moves version
counters (``bump_version``, ``share_version``, ``record_view``, ...), so that the counter's
representation is known here and in function.py only.
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


# --- the version counter ---------------------------------------------------------------
# A tensor's ``_vc`` is its version counter: one mutable cell, shared by a tensor, its views
# and its detached aliases, that counts the in-place changes of their common memory (a
# backward that saved the memory checks it, see SavedVersion in function.py).  Code outside
# autograd/ and tensor.py goes through these helpers.

def new_counter(value=0):
    """A version counter of its own, starting at ``value``."""
    return [value]


def bump_version(t):
    """Count one in-place change of ``t``'s memory (every tensor sharing it sees it)."""
    t._vc[0] += 1


def share_version(dst, src):
    """From now on ``dst`` counts the changes of ``src``'s memory (a view, an alias)."""
    dst._vc = src._vc


def record_view(out, base, root=None, fn=None, multi_output=False):
    """Make ``out`` a view of ``base``: it shares base's version counter and, given ``fn``,
    remembers that it is ``fn(root)`` (see ViewInfo), as of the current version."""
    vc = out._vc = base._vc
    if fn is not None:
        out._view = ViewInfo(root, fn, vc[0], multi_output)


def view_is_current(t):
    """Whether the view ``t``'s history was recorded at its memory's current version."""
    return t._view.version == t._vc[0]


def mark_view_current(t):
    """The view ``t``'s history is up to date with its memory's current version."""
    t._view.version = t._vc[0]


def swap_storage(t, array):
    """``t.data = other``: ``t`` takes ``array`` as its memory, at the same version (as in
    torch).  The old storage's counter moves on by one, so a backward that saved ``t``
    notices, and reads ``t`` as it is now (``function._changed_since_saved``)."""
    old = t._vc
    t._data = array
    t._vc = [old[0]]
    old[0] += 1
