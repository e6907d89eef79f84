"""Module bookkeeping: registration, traversal, modes, dtype, hooks, repr, state dicts."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import tinytorch
from tinytorch import nn


class Net(nn.Module):
    """A model with every kind of member: parameters, buffers, children, a shared layer."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(tinytorch.ones(1))
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.register_buffer("running", tinytorch.zeros(2))
        self.register_buffer("scratch", tinytorch.zeros(5), persistent=False)
        self.register_buffer("absent", None)
        self.head = nn.Linear(2, 2)
        self.tied = self.head                       # the same module under a second name

    def forward(self, x):
        return self.tied(self.head(self.body(x))) * self.scale


# --- Parameter ---------------------------------------------------------------------------

def test_parameter_is_a_leaf_tensor_that_requires_grad_and_shares_memory():
    t = tinytorch.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, tinytorch.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    p.data[0] = 7.0
    assert t.data[0] == 7.0                         # shared, not copied
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)


def test_parameter_of_a_computed_tensor_is_a_fresh_leaf():
    x = tinytorch.ones(2, requires_grad=True)
    p = nn.Parameter(x * 2)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    (p * p).sum().backward()
    np.testing.assert_allclose(p.grad.data, 2 * p.data)
    assert x.grad is None


def test_parameter_repr_and_errors():
    assert repr(nn.Parameter(tinytorch.ones(2))) == \
        "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    assert repr(nn.Parameter(tinytorch.ones(2), requires_grad=False)) == \
        "Parameter containing:\ntensor([1., 1.])"
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tinytorch.tensor([1, 2]))
    assert nn.Parameter(tinytorch.tensor([1, 2]), requires_grad=False).dtype == tinytorch.int64
    with pytest.raises(TypeError, match="Tensor"):
        nn.Parameter([1.0, 2.0])


def test_ops_on_parameters_give_plain_tensors():
    p = nn.Parameter(tinytorch.ones(2))
    out = p * 2
    assert type(out) is tinytorch.Tensor
    assert type(p.detach()) is tinytorch.Tensor


# --- registration and traversal ----------------------------------------------------------

def test_named_parameters_dotted_names_in_registration_order_shared_once():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias",
                     "head.weight", "head.bias"]
    params = list(net.parameters())
    assert len(params) == len({id(p) for p in params}) == 7
    assert [n for n, _ in net.named_parameters(remove_duplicate=False)][-2:] == \
        ["tied.weight", "tied.bias"]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_parameters(prefix="model")][0] == "model.scale"


def test_shared_parameter_registered_in_two_modules_is_listed_once():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.weight = a.weight
    seq = nn.Sequential(a, b)
    names = [n for n, _ in seq.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.bias"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_buffers_persistent_and_not():
    net = Net()
    assert [n for n, _ in net.named_buffers()] == ["running", "scratch"]
    assert net.running is net._buffers["running"] and net.absent is None
    sd = net.state_dict()
    assert "running" in sd and "scratch" not in sd and "absent" not in sd
    # assigning a tensor to a buffer name replaces the buffer, keeping it a buffer
    net.running = tinytorch.ones(2)
    assert net.state_dict()["running"].data.tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="buffer 'running'"):
        net.running = [1.0]
    net.register_buffer("scratch", tinytorch.ones(1))   # re-registered as persistent
    assert "scratch" in net.state_dict()


def test_children_modules_and_named_modules():
    net = Net()
    assert [n for n, _ in net.named_children()] == ["body", "head"]
    names = [n for n, _ in net.named_modules()]
    assert names == ["", "body", "body.0", "body.1", "body.2", "head"]
    assert len(list(net.modules())) == 6
    assert net.get_submodule("body.2") is net.body[2]
    assert net.get_parameter("body.0.bias") is net.body[0].bias
    assert net.get_buffer("running") is net.running
    with pytest.raises(AttributeError):
        net.get_submodule("body.7")


def test_setattr_moves_names_between_registries_and_delattr():
    m = nn.Module()
    m.x = nn.Parameter(tinytorch.ones(1))
    assert "x" in m._parameters
    with pytest.raises(TypeError, match="as parameter 'x'"):
        m.x = nn.Linear(1, 1)                   # as torch: a parameter slot wants a Parameter
    m.register_buffer("b", tinytorch.ones(1))
    m.b = nn.Linear(1, 1)                       # a buffer name may become a module
    assert "b" in m._modules and "b" not in m._buffers
    m.b = nn.Parameter(tinytorch.ones(1))       # ... and a module name a parameter
    assert "b" in m._parameters and "b" not in m._modules
    del m.x
    m.x = nn.Linear(1, 1)
    assert "x" in m._modules and "x" not in m._parameters
    m.x = None                                  # a module slot accepts None
    assert m._modules["x"] is None and m.x is None
    del m.x
    assert "x" not in m._modules
    with pytest.raises(AttributeError, match="has no attribute 'x'"):
        m.x
    m.plain = 3
    assert m.plain == 3 and "plain" in m.__dict__
    del m.plain
    assert not hasattr(m, "plain")
    assert "weight" in dir(nn.Linear(1, 1))


def test_registration_errors():
    lin = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter"):
        lin.weight = tinytorch.ones(3, 2)
    lin.weight = None                             # allowed: the parameter becomes absent
    assert "weight" not in lin.state_dict()
    lin = nn.Linear(2, 3)
    with pytest.raises(KeyError, match="already exists"):
        lin.register_buffer("weight", tinytorch.ones(1))
    with pytest.raises(KeyError, match="contain"):
        lin.register_buffer("a.b", tinytorch.ones(1))
    with pytest.raises(KeyError, match="empty string"):
        lin.register_parameter("", None)
    with pytest.raises(TypeError, match="should be a string"):
        lin.register_buffer(1, None)
    with pytest.raises(TypeError, match="parameter 'c'"):
        lin.register_parameter("c", tinytorch.ones(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        lin.add_module("m", 3)
    with pytest.raises(KeyError, match="contain"):
        lin.add_module("a.b", nn.ReLU())

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(tinytorch.ones(1))  # before super().__init__()

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_forward_missing_raises():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


# --- modes, gradients, apply ---------------------------------------------------------------

def test_train_eval_recurse_and_return_self():
    net = Net()
    assert net.training and all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    assert net.train(False) is net and not net.body[1].training
    with pytest.raises(ValueError, match="boolean"):
        net.train(1)


def test_zero_grad_set_to_none_and_zeroing():
    net = Net()
    net(tinytorch.randn(4, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.data.any() for p in net.parameters())
    net(tinytorch.randn(4, 3)).sum().backward()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_apply_requires_grad_and_children_first_order():
    net = Net()
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Linear", "Net"]
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())


def test_float_double_to_keep_parameter_identity():
    net = Net()
    net.register_buffer("count", tinytorch.tensor(3))   # integer buffers are not converted
    before = list(net.parameters())
    net(tinytorch.randn(2, 3)).sum().backward()
    assert net.double() is net
    assert all(p.dtype == tinytorch.float64 for p in net.parameters())
    assert all(p.grad.dtype == tinytorch.float64 for p in net.parameters())
    assert net.running.dtype == tinytorch.float64 and net.count.dtype == tinytorch.int64
    assert [id(p) for p in net.parameters()] == [id(p) for p in before]
    out = net(tinytorch.randn(2, 3, dtype=tinytorch.float64))
    assert out.dtype == tinytorch.float64
    assert net.float() is net and net.body[0].weight.dtype == tinytorch.float32
    assert net.to(tinytorch.float64) is net and net.head.bias.dtype == tinytorch.float64
    assert net.to("cpu", dtype=tinytorch.float32).head.bias.dtype == tinytorch.float32
    assert net.to(tinytorch.zeros(1, dtype=tinytorch.float64)).scale.dtype == tinytorch.float64
    with pytest.raises(TypeError, match="floating point"):
        net.to(tinytorch.int64)


# --- hooks ---------------------------------------------------------------------------------

def test_forward_hooks_modify_and_remove():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    x = tinytorch.randn(3, 2)
    out = lin(x)
    np.testing.assert_allclose(out.data, np.broadcast_to(lin.bias.data + 1, (3, 2)),
                               rtol=1e-6)
    assert calls == [(3, 2)]
    h1.remove()
    h2.remove()
    np.testing.assert_allclose(lin(x).data, x.data @ lin.weight.data.T + lin.bias.data,
                               rtol=1e-6)
    assert calls == [(3, 2)]


def test_hooks_with_kwargs_prepend_and_context_manager():
    order = []
    lin = nn.Identity()
    lin.register_forward_hook(lambda m, a, o: order.append("second"))
    with lin.register_forward_hook(lambda m, a, o: order.append("first"), prepend=True):
        lin(1)
    assert order == ["first", "second"]
    lin(1)
    assert order == ["first", "second", "second"]
    kw = nn.Identity()
    kw.register_forward_pre_hook(lambda m, a, k: ((a[0] + 1,), k), with_kwargs=True)
    kw.register_forward_hook(lambda m, a, k, o: o * 10, with_kwargs=True)
    assert kw(1) == 20


# --- repr ----------------------------------------------------------------------------------

def test_repr_nested_and_extra_repr():
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(),
                          nn.Sequential(nn.Linear(8, 8, bias=False), nn.Dropout(0.1)),
                          nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Tanh()]),
                          nn.ModuleDict({"act": nn.LeakyReLU(0.2)}))
    assert repr(model) == """Sequential(
  (0): Linear(in_features=3, out_features=8, bias=True)
  (1): ReLU()
  (2): Sequential(
    (0): Linear(in_features=8, out_features=8, bias=False)
    (1): Dropout(p=0.1, inplace=False)
  )
  (3): ModuleList(
    (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)
    (2): Tanh()
  )
  (4): ModuleDict(
    (act): LeakyReLU(negative_slope=0.2)
  )
)"""

    class Multi(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Identity()

        def extra_repr(self):
            return "a=1\nb=2"

    assert repr(Multi()) == "Multi(\n  a=1\n  b=2\n  (inner): Identity()\n)"
    assert repr(nn.Sequential()) == "Sequential()" and repr(nn.ModuleList()) == "ModuleList()"


# --- state dicts ----------------------------------------------------------------------------

def test_state_dict_is_ordered_detached_and_shares_memory():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["scale", "running", "body.0.weight", "body.0.bias", "body.2.weight",
                        "body.2.bias", "head.weight", "head.bias", "tied.weight", "tied.bias"]
    assert all(not v.requires_grad and type(v) is tinytorch.Tensor for v in sd.values())
    assert sd["body.0.weight"].shape == (4, 3)
    net.body[0].weight.data[0, 0] = 42.0
    assert sd["body.0.weight"].data[0, 0] == 42.0      # a view of the live parameter
    kv = net.state_dict(keep_vars=True)
    assert kv["scale"] is net.scale


def test_load_state_dict_copies_values_and_never_aliases():
    src, dst = Net(), Net()
    sd = src.state_dict()
    res = dst.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == []
    assert repr(res) == "<All keys matched successfully>"
    for (k, a), b in zip(dst.state_dict().items(), sd.values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    w = dst.body[0].weight
    arr = sd["body.0.weight"].numpy()
    w_arr = w.detach().numpy()
    assert w_arr is not arr and not np.shares_memory(w_arr, arr)
    arr[...] = 0
    assert w.detach().numpy().any()
    # a float64 checkpoint is cast into the float32 parameter; the Parameter is kept
    sd64 = {k: tinytorch.tensor(v.numpy().astype(np.float64)) for k, v in sd.items()}
    dst.load_state_dict(sd64)
    assert dst.body[0].weight is w and w.dtype == tinytorch.float32
    # plain numpy arrays are accepted too
    dst.load_state_dict({k: v.numpy() * 2 for k, v in src.state_dict().items()})
    np.testing.assert_allclose(dst.head.bias.detach().numpy(),
                               src.head.bias.detach().numpy() * 2)


def test_load_state_dict_strict_errors_name_keys():
    net = Net()
    sd = dict(net.state_dict())
    del sd["head.bias"]
    sd["extra.weight"] = tinytorch.ones(1)
    with pytest.raises(RuntimeError) as e:
        net.load_state_dict(sd)
    msg = str(e.value)
    assert "Error(s) in loading state_dict for Net" in msg
    assert 'Missing key(s) in state_dict: "head.bias". ' in msg
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in msg
    assert msg.index("Missing") < msg.index("Unexpected")
    res = net.load_state_dict(sd, strict=False)
    assert res == (["head.bias"], ["extra.weight"])
    assert res.missing_keys == ["head.bias"]
    assert res.unexpected_keys == ["extra.weight"]
    assert type(res).__name__ == "_IncompatibleKeys"


def test_load_state_dict_shape_mismatch_names_key_and_both_shapes_even_unstrict():
    net = nn.Sequential(nn.Linear(2, 3))
    sd = net.state_dict()
    sd["0.weight"] = tinytorch.ones(4, 2)
    before = net[0].bias.detach().numpy().copy()
    for strict in (True, False):
        with pytest.raises(RuntimeError) as e:
            net.load_state_dict(sd, strict=strict)
        msg = str(e.value)
        assert "size mismatch for 0.weight" in msg
        assert "[4, 2]" in msg and "[3, 2]" in msg
    sd["0.weight"] = [1.0]
    with pytest.raises(RuntimeError, match='parameter named "0.weight"'):
        net.load_state_dict(sd)
    with pytest.raises(TypeError, match="dict-like"):
        net.load_state_dict([1, 2])
    np.testing.assert_array_equal(net[0].bias.detach().numpy(), before)


def test_load_state_dict_assign_takes_a_copy():
    lin = nn.Linear(2, 2)
    sd = {k: tinytorch.tensor(v.numpy().astype(np.float64))
          for k, v in lin.state_dict().items()}
    p = lin.weight
    lin.load_state_dict(sd, assign=True)
    assert lin.weight is p and p.dtype == tinytorch.float64
    assert not np.shares_memory(p.detach().numpy(), sd["weight"].numpy())


def test_deepcopy_gives_independent_parameters_and_keeps_ties():
    net = Net()
    clone = copy.deepcopy(net)
    assert isinstance(clone.scale, nn.Parameter) and clone.scale.requires_grad
    assert clone.tied is clone.head
    clone.head.weight.data[...] = 0
    assert net.head.weight.data.any()
    np.testing.assert_array_equal(clone.body[0].weight.data, net.body[0].weight.data)


def test_call_uses_forward_and_version_bumps_on_load():
    lin = nn.Linear(2, 2)
    v = lin.weight._version
    lin.load_state_dict(lin.state_dict())
    assert lin.weight._version == v + 1
    x = tinytorch.randn(1, 2)
    np.testing.assert_allclose(lin(x).data, lin.forward(x).data)
