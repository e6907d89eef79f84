"""No leaks: 20,000 training steps of an MLP (Linear/ReLU/Linear, cross_entropy, SGD) and
20,000 evaluations under no_grad keep memory flat.

* tracemalloc (which also sees numpy's array buffers) measures the growth of traced memory
  after a warm-up: under 1 MB over the 20,000 steps;
* the cycle collector is off during the loop, so everything must be freed by reference
  counting alone: afterwards ``gc.collect()`` finds no garbage (with DEBUG_SAVEALL we look
  at what it finds: no tensor, graph node or array may be in a reference cycle);
* weak references to one step's loss, its graph nodes and its activations die the moment the
  last strong reference goes, without the collector.
"""
import gc
import time
import tracemalloc
import weakref

import numpy as np

import tinytorch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.autograd.function import BackwardNode

STEPS = 20_000
WARMUP = 300
MAX_GROWTH = 1_000_000   # bytes
MAX_GARBAGE = 50         # objects found by gc.collect() after the loop (unrelated noise)


def _mlp():
    tinytorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    x = tinytorch.randn(16, 8)
    y = tinytorch.randint(0, 4, (16,))
    return model, x, y


def _ours(obj):
    return isinstance(obj, (tinytorch.Tensor, BackwardNode, np.ndarray)) or \
        type(obj).__module__.startswith("tinytorch")


def _graph_nodes(root):
    """Every BackwardNode reachable from ``root`` (iteratively)."""
    seen, stack = [], [root]
    while stack:
        node = stack.pop()
        if node is None or any(node is s for s in seen):
            continue
        seen.append(node)
        stack.extend(e[0] for e in node.next_functions
                     if e is not None and isinstance(e[0], BackwardNode))
    return seen


def _run_flat(step, steps=STEPS):
    """Warm up, then run ``steps`` steps under tracemalloc with the cycle collector off.

    Returns (traced growth in bytes, seconds per step, tinytorch objects in cycles,
    number of objects the collector found)."""
    gc.collect()
    gc.disable()
    try:
        for _ in range(WARMUP):
            step()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            t0 = time.perf_counter()
            for _ in range(steps):
                step()
            per_step = (time.perf_counter() - t0) / steps
            growth = tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()
        gc.set_debug(gc.DEBUG_SAVEALL)
        found = gc.collect()
        cyclic = [type(o).__name__ for o in gc.garbage if _ours(o)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return growth, per_step, cyclic, found


def test_training_keeps_memory_flat_and_frees_each_graph_by_refcounting():
    model, x, y = _mlp()
    opt = tinytorch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    first = step().item()
    growth, per_step, cyclic, found = _run_flat(step)
    assert step().item() < first  # it trained (the loop did real work)
    assert cyclic == [], f"tinytorch objects in reference cycles: {sorted(set(cyclic))}"
    assert found <= MAX_GARBAGE, f"gc found {found} unreachable objects"
    assert growth < MAX_GROWTH, f"traced memory grew by {growth} bytes over {STEPS} steps " \
                                f"({per_step * 1e6:.0f} us/step)"


def test_one_steps_graph_dies_with_its_last_reference():
    """Without the cycle collector: the loss, every node of its graph, the activations and
    the arrays the nodes saved are gone as soon as the loss (and the output) go."""
    model, x, y = _mlp()
    opt = tinytorch.optim.SGD(model.parameters(), lr=0.05)
    gc.collect()
    gc.disable()
    try:
        for keep_graph in (False, True):
            opt.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            nodes = _graph_nodes(loss.grad_fn)
            assert len(nodes) >= 4  # cross_entropy, linear, relu, linear
            # what the nodes saved, less the arrays that live on (data, targets, weights)
            alive = [x.numpy(), y.numpy()] + [p.detach().numpy() for p in model.parameters()]
            saved = [s for n in nodes for s in (n._saved or ()) if isinstance(s, np.ndarray)
                     and not any(s is a for a in alive)]
            assert saved  # the hidden activations at least
            loss.backward(retain_graph=keep_graph)
            opt.step()
            refs = [weakref.ref(o) for o in [loss, out, out.detach().numpy()] + nodes + saved]
            del out, loss, nodes, saved
            dead = [r() is None for r in refs]
            assert all(dead), f"{dead.count(False)} of {len(refs)} objects still alive " \
                              f"(retain_graph={keep_graph})"
    finally:
        gc.enable()
    # the parameters' gradients hold no graph
    for p in model.parameters():
        assert p.grad.grad_fn is None and not p.grad.requires_grad


def test_evaluation_under_no_grad_keeps_memory_flat_and_records_nothing():
    model, x, _ = _mlp()
    model.eval()

    def step():
        with tinytorch.no_grad():
            out = model(x)
        return out

    out = step()
    assert out.grad_fn is None and not out.requires_grad
    growth, per_step, cyclic, found = _run_flat(step)
    assert cyclic == [], f"tinytorch objects in reference cycles: {sorted(set(cyclic))}"
    assert found <= MAX_GARBAGE, f"gc found {found} unreachable objects"
    assert growth < MAX_GROWTH, f"traced memory grew by {growth} bytes over {STEPS} " \
                                f"evaluations ({per_step * 1e6:.0f} us/step)"


def test_a_leak_would_be_caught():
    """The measurement is not blind: keeping each step's loss alive (a classic learner's
    leak: ``history.append(loss)`` instead of ``loss.item()``) shows up as growth."""
    model, x, y = _mlp()
    history = []

    def step():
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        history.append(loss)

    growth, _, _, _ = _run_flat(step, steps=500)
    assert growth > MAX_GROWTH
    history.clear()
