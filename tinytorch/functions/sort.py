"""The index orders of torch's CPU sorting and selection kernels, for ties to land where
torch's do.

NaN sorts as the largest value.  ``sort(stable=True)`` keeps ties in their order, and so does
``median`` along a dim (the lower median, ties broken by position).  ``sort(stable=False)``
(std::sort), ``kthvalue`` (a quickselect) and ``topk`` (std::nth_element or
std::partial_sort) leave equal values in the order of their swaps: those are played out
below step by step, as libstdc++ and torch's kernels make them, one slice at a time (a
Python loop, so only for slices that hold ties, or for ``topk(sorted=False)``, whose order
is the kernel's even without ties).  Past BUDGET elements in the slices to replay (a
few tenths of a second), they are not played out: equal values then keep their stable order.
"""
import numpy as np

BUDGET = 1 << 14  # the most elements whose swaps are played out in one call


def _affordable(n, slices):
    """Whether `slices` slices of length n may be played out (see BUDGET)."""
    return n * int(slices) <= BUDGET


def _gt_or_nan(a, b):
    """a > b with NaN as the largest value."""
    return (a != a and b == b) or a > b


def _lt_or_nan(a, b):
    """a < b with NaN as the largest value (topk's smallest-first comparison)."""
    return (a == a and b != b) or a < b


def stable_order(a, axis, descending):
    """The stable sort order of a along axis (NaN largest; descending keeps ties' order)."""
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    return np.flip(n - 1 - np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)


def _has_ties(sorted_slices):
    """Per slice (last axis): whether two elements are equal or both NaN."""
    if sorted_slices.shape[-1] < 2:
        return np.zeros(sorted_slices.shape[:-1], bool)
    eq = sorted_slices[..., 1:] == sorted_slices[..., :-1]
    if sorted_slices.dtype.kind == "f":
        nan = np.isnan(sorted_slices)
        eq |= nan[..., 1:] & nan[..., :-1]
    return eq.any(-1)


def _quick_select(vals, k):
    """torch's quick_select_template (kthvalue): the index of the k-th (0-based) smallest
    element, after the swaps torch's kernel makes."""
    arr = list(vals)
    idx = list(range(len(arr)))

    def swap(p, q):
        arr[p], arr[q] = arr[q], arr[p]
        idx[p], idx[q] = idx[q], idx[p]

    lo, hi = 0, len(arr) - 1
    while True:
        if hi <= lo:
            return idx[k]
        if hi == lo + 1:
            if _gt_or_nan(arr[lo], arr[hi]):
                swap(lo, hi)
            return idx[k]
        mid = lo + (hi - lo) // 2
        swap(mid, lo + 1)
        if _gt_or_nan(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if _gt_or_nan(arr[lo], arr[hi]):
            swap(lo, hi)
        if _gt_or_nan(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while _gt_or_nan(piv, arr[i]):
                i += 1
            j -= 1
            while _gt_or_nan(arr[j], piv):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


def _insertion_sort(q, first, last, comp):
    """libstdc++'s __insertion_sort of q[first:last] (stable)."""
    for i in range(first + 1, last):
        val = q[i]
        if comp(val, q[first]):
            q[first + 1:i + 1] = q[first:i]
            q[first] = val
        else:
            j = i
            while comp(val, q[j - 1]):
                q[j] = q[j - 1]
                j -= 1
            q[j] = val


def _adjust_heap(q, first, hole, length, value, comp):
    """libstdc++'s __adjust_heap (with __push_heap) on the heap q[first:first + length]."""
    top = second = hole
    while second < (length - 1) // 2:
        second = 2 * (second + 1)
        if comp(q[first + second], q[first + second - 1]):
            second -= 1
        q[first + hole] = q[first + second]
        hole = second
    if length % 2 == 0 and second == (length - 2) // 2:
        second = 2 * (second + 1)
        q[first + hole] = q[first + second - 1]
        hole = second - 1
    parent = (hole - 1) // 2
    while hole > top and comp(q[first + parent], value):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _heap_select(q, first, middle, last, comp):
    """libstdc++'s __heap_select: q[first:middle] made a heap of the smallest elements."""
    length = middle - first
    if length >= 2:
        for parent in range((length - 2) // 2, -1, -1):
            _adjust_heap(q, first, parent, length, q[first + parent], comp)
    for i in range(middle, last):
        if comp(q[i], q[first]):
            value, q[i] = q[i], q[first]
            _adjust_heap(q, first, 0, length, value, comp)


def _partial_sort(q, first, middle, last, comp):
    """libstdc++'s std::partial_sort: a heap select, then a heap sort of q[first:middle]."""
    _heap_select(q, first, middle, last, comp)
    while middle - first > 1:
        middle -= 1
        value, q[middle] = q[middle], q[first]
        _adjust_heap(q, first, 0, middle - first, value, comp)


def _partition_pivot(q, first, last, comp):
    """libstdc++'s __unguarded_partition_pivot: the median of three moved to the front, then
    a partition around it; returns the cut."""
    mid = first + (last - first) // 2
    a, b, c = first + 1, mid, last - 1
    if comp(q[a], q[b]):
        m = b if comp(q[b], q[c]) else (c if comp(q[a], q[c]) else a)
    elif comp(q[a], q[c]):
        m = a
    else:
        m = c if comp(q[b], q[c]) else b
    q[first], q[m] = q[m], q[first]
    lo, hi, piv = first + 1, last, q[first]
    while True:
        while comp(q[lo], piv):
            lo += 1
        hi -= 1
        while comp(piv, q[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        q[lo], q[hi] = q[hi], q[lo]
        lo += 1


def _std_sort(q, first, last, comp):
    """libstdc++'s std::sort (introsort, then one insertion sort) of q[first:last]."""
    def loop(first, last, depth):
        while last - first > 16:
            if depth == 0:  # libstdc++ turns to a heap sort here
                _partial_sort(q, first, last, last, comp)
                return
            depth -= 1
            cut = _partition_pivot(q, first, last, comp)
            loop(cut, last, depth)
            last = cut
    if last - first > 1:
        loop(first, last, 2 * ((last - first).bit_length() - 1))
        _insertion_sort(q, first, last, comp)


def _nth_element(q, nth, comp):
    """libstdc++'s std::nth_element (introselect) on the list q, in place."""
    first, last = 0, len(q)
    depth = 2 * (len(q).bit_length() - 1)
    while last - first > 3:
        if depth == 0:  # libstdc++ turns to a heap select
            _heap_select(q, first, nth + 1, last, comp)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        lo = _partition_pivot(q, first, last, comp)
        if lo <= nth:
            first = lo
        else:
            last = lo
    _insertion_sort(q, first, last, comp)


def _topk_slice(vals, k, largest, sorted_):
    """torch's CPU topk on one slice (nth_element, then a sort of the first k - 1)."""
    base = _gt_or_nan if largest else _lt_or_nan
    q = [(v, i) for i, v in enumerate(vals)]

    def comp(x, y):
        return base(x[0], y[0])
    if k * 64 <= len(q):  # torch takes std::partial_sort
        _partial_sort(q, 0, k, len(q), comp)
        return [i for _, i in q[:k]]
    _nth_element(q, k - 1, comp)
    if sorted_ and k > 1:
        _std_sort(q, 0, k - 1, comp)
    return [i for _, i in q[:k]]


def _per_slice(a, axis, fn, width):
    """fn(slice values) -> `width` indices, for every 1-d slice of a along axis."""
    moved = np.moveaxis(a, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.array([fn(row.tolist()) for row in flat], dtype=np.int64).reshape(
        moved.shape[:-1] + (width,))
    return np.moveaxis(out, -1, axis)


def sort_order(a, axis, descending, stable):
    """sort's indices along axis: stable, or torch's std::sort (introsort) order, which
    differs from a stable one only among ties in slices longer than 16."""
    order = stable_order(a, axis, descending)
    if stable or a.ndim == 0 or a.shape[axis] <= 16:
        return order
    srt = np.moveaxis(np.take_along_axis(a, order, axis), axis, -1)
    ties = _has_ties(srt)
    if ties.any() and _affordable(a.shape[axis], ties.sum()):
        comp = _gt_or_nan if descending else _lt_or_nan

        def run(row):
            q = [(v, i) for i, v in enumerate(row)]
            _std_sort(q, 0, len(q), lambda x, y: comp(x[0], y[0]))
            return [i for _, i in q]
        exact = _per_slice(a, axis, run, a.shape[axis])
        order = np.where(np.expand_dims(ties, axis), exact, order)
    return order


def kth_order(a, k, axis):
    """kthvalue's index (kept dim of size 1) of the k-th (1-based) smallest along axis."""
    order = stable_order(a, axis, False)
    idx = np.take(order, [k - 1], axis=axis)
    srt = np.moveaxis(np.take_along_axis(a, order, axis), axis, -1)
    ties = _has_ties(srt)
    if ties.any() and _affordable(a.shape[axis], ties.sum()):
        exact = _per_slice(a, axis, lambda row: [_quick_select(row, k - 1)], 1)
        idx = np.where(np.expand_dims(ties, axis), exact, idx)
    return idx.astype(np.int64)


def topk_order(a, k, axis, largest, sorted_):
    """topk's indices along axis (torch's CPU kernel order)."""
    order = stable_order(a, axis, largest)
    idx = np.take(order, np.arange(k), axis=axis)
    if k == 0 or a.shape[axis] == 0:
        return idx.astype(np.int64)
    srt = np.moveaxis(np.take_along_axis(a, order, axis), axis, -1)
    redo = np.ones(srt.shape[:-1], bool) if not sorted_ else _has_ties(srt)
    if redo.any() and _affordable(a.shape[axis], redo.sum()):
        exact = _per_slice(a, axis, lambda row: _topk_slice(row, k, largest, sorted_), k)
        idx = np.where(np.expand_dims(redo, axis), exact, idx)
    return idx.astype(np.int64)


def mode_order(a, axis):
    """mode's index (kept dim of size 1) along axis: torch's kernel sorts each slice with
    std::sort on ``<`` and keeps the last element of the first longest run of equal values
    (a NaN equals nothing, so each counts once)."""
    def run(row):
        q = [(v, i) for i, v in enumerate(row)]
        _std_sort(q, 0, len(q), lambda x, y: x[0] < y[0])
        best, best_i, count = 0, 0, 0
        for j, (v, i) in enumerate(q):
            count += 1
            if j == len(q) - 1 or v != q[j + 1][0]:
                if count > best:
                    best, best_i = count, i
                count = 0
        return [best_i]

    def stable_run(row):  # the same without the swaps: the last of the value in row
        row = np.asarray(row)
        srt = np.sort(row)
        starts = np.flatnonzero(np.concatenate([[True], srt[1:] != srt[:-1]]))
        lengths = np.diff(np.append(starts, len(srt)))
        value = srt[starts[np.argmax(lengths)]]
        return [len(row) - 1 - int(np.argmax((row == value)[::-1]))]
    slices = a.size // max(a.shape[axis], 1)
    return _per_slice(a, axis, run if _affordable(a.shape[axis], slices) else stable_run, 1)


def search(sorted_seq, values, right):
    """torch's binary search (searchsorted/bucketize) along the last axis: the first
    position whose element is >= value (> value if right); a NaN compares false both ways,
    so the search passes over it as it does in torch."""
    n = sorted_seq.shape[-1]
    lo = np.zeros(values.shape, np.int64)
    hi = np.full(values.shape, n, np.int64)
    if sorted_seq.ndim == 1:
        seq = np.broadcast_to(sorted_seq, values.shape[:-1] + (n,)) if values.ndim else \
            sorted_seq
    else:
        seq = sorted_seq
    with np.errstate(invalid="ignore"):
        while True:
            active = lo < hi
            if not active.any():
                return lo
            mid = (lo + ((hi - lo) >> 1))
            at = np.minimum(mid, n - 1)
            if values.ndim == 0:
                mv = seq[at]
            else:
                mv = np.take_along_axis(seq, at, axis=-1)
            go_right = ~(mv > values) if right else ~(mv >= values)
            lo = np.where(active & go_right, mid + 1, lo)
            hi = np.where(active & ~go_right, mid, hi)
