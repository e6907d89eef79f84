"""docs/ops.md, the generated per-op coverage page, is what docs/gen_ops.py writes from the code
today: every public op is listed and classified by running it, none is left unclassified, and
the classes it finds are the right ones for a few ops whose answer is known."""
import importlib.util
import pathlib
import re

import pytest

import tinytorch
import tinytorch.nn.functional as F

REPO = pathlib.Path(__file__).resolve().parent.parent
REGENERATE = "docs/ops.md is stale: run `python docs/gen_ops.py` and commit the result"


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_ops", REPO / "docs" / "gen_ops.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    return _load_generator()


@pytest.fixture(scope="module")
def classified(gen):
    entries, classes, unclassified = gen.classify_all()
    return {e["key"]: e for e in entries}, classes, unclassified


def test_every_public_op_is_probed_or_excused(classified):
    _, _, unclassified = classified
    assert not unclassified, (
        f"no probe pattern could call {unclassified}: give each a pattern in PATTERNS or a "
        "reason in NOT_PROBED (docs/gen_ops.py), then run `python docs/gen_ops.py`")


def test_not_probed_table_has_no_stale_entries(gen):
    for name in gen.NOT_PROBED:
        assert hasattr(tinytorch, name) or hasattr(F, name), (
            f"NOT_PROBED lists {name!r}, which is no longer public: remove it")


def test_page_is_up_to_date(gen, classified):
    entries, classes, _ = classified
    text = gen.render(list(entries.values()), classes)
    assert gen.PAGE.read_text() == text, REGENERATE


def test_known_classes(classified):
    by_key, _, _ = classified
    expect = {
        "torch.exp": "twice", "torch.matmul": "twice", "torch.cumsum": "twice",
        "torch.where": "twice", "torch.gather": "twice", "torch.take": "twice", "Tensor.T": "twice",
        "Tensor.mul_": "twice", "F.cross_entropy": "twice", "F.conv2d": "twice",
        "torch.argmax": "no", "torch.argsort": "no", "torch.eq": "no", "torch.isnan": "no",
        "torch.bitwise_and": "no", "torch.randn": "no", "torch.zeros_like": "no",
        "torch.nonzero": "no", "torch.detach": "no",
        "torch.equal": "n/a", "Tensor.item": "n/a", "Tensor.shape": "n/a",
    }
    got = {k: by_key[k]["cls"] for k in expect}
    assert got == expect


def test_every_name_on_the_page_is_real(gen):
    text = gen.PAGE.read_text()
    names = re.findall(r"`((?:torch|F|Tensor)(?:\.linalg)?\.[A-Za-z_0-9]+)`", text)
    assert len(names) > 300
    roots = {"torch": tinytorch, "F": F, "Tensor": tinytorch.Tensor}
    for qual in set(names):
        root, *path = qual.split(".")
        obj = roots[root]
        for part in path:
            assert hasattr(obj, part), f"docs/ops.md names {qual}, which does not exist"
            obj = getattr(obj, part)


def test_check_mode_fails_on_a_stale_page(gen, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(gen, "PAGE", tmp_path / "ops.md")
    (tmp_path / "ops.md").write_text("# old\n")
    assert gen.main(["--check"]) == 1
    assert "python docs/gen_ops.py" in capsys.readouterr().err


def test_the_probe_tells_once_from_twice(gen):
    from tinytorch.autograd import Function, once_differentiable

    class Square(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        @once_differentiable
        def backward(ctx, grad):
            a, = ctx.saved_tensors
            return 2 * a * grad

    def entry(fn):
        return dict(key="x", name="square", qual="square", kind="fn", group="math", call=fn)

    assert gen.probe(entry(Square.apply)) == "once"
    assert gen.probe(entry(lambda a: a * a)) == "twice"
    assert gen.probe(entry(lambda a: a.detach() * 2)) == "no"
    assert gen.probe(entry(lambda a: a.shape)) == "n/a"
