"""Named tuples that some ops return (torch.return_types): ``x.max(dim)`` and
``x.min(dim)`` give ``(values, indices)`` that can also be read as ``.values`` and
``.indices``."""

__all__ = ["max", "min"]


class _MinMax(tuple):
    """A (values, indices) pair with names."""

    __slots__ = ()
    _name = "max"

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return (f"tinytorch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


class max(_MinMax):  # noqa: A001 (torch's name)
    __slots__ = ()
    _name = "max"


class min(_MinMax):  # noqa: A001
    __slots__ = ()
    _name = "min"
