"""``tinytorch.backends.cuda``: CUDA's flags, settable; CUDA itself is not built in.

``matmul.allow_tf32`` and its siblings, and the scaled-dot-product-attention kernel switches
(``enable_flash_sdp`` ...), keep the values a script sets, with torch's defaults; tinytorch
computes in full precision on the CPU, so they change nothing.
"""
__all__ = ["is_built", "matmul", "enable_flash_sdp", "flash_sdp_enabled",
           "enable_mem_efficient_sdp", "mem_efficient_sdp_enabled", "enable_math_sdp",
           "math_sdp_enabled", "enable_cudnn_sdp", "cudnn_sdp_enabled",
           "is_flash_attention_available"]


def is_built():
    """False: tinytorch is not built with CUDA."""
    return False


class cuBLASModule:
    """The ``matmul`` flags (torch's class name): only the names torch knows can be read or
    set, as in torch ("Unknown attribute ...")."""

    _DEFAULTS = {"allow_tf32": False, "allow_fp16_reduced_precision_reduction": True,
                 "allow_bf16_reduced_precision_reduction": True, "fp32_precision": "none"}

    def __init__(self):
        object.__setattr__(self, "_values", dict(self._DEFAULTS))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name, value):
        if name not in self._values:
            raise AttributeError(f"Unknown attribute {name}")
        self._values[name] = value


matmul = cuBLASModule()

_SDP = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def enable_flash_sdp(enabled):
    """Switch the flash attention kernel on or off (recorded; tinytorch has none)."""
    _SDP["flash"] = bool(enabled)


def flash_sdp_enabled():
    return _SDP["flash"]


def enable_mem_efficient_sdp(enabled):
    """Switch the memory-efficient attention kernel on or off (recorded only)."""
    _SDP["mem_efficient"] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _SDP["mem_efficient"]


def enable_math_sdp(enabled):
    """Switch the plain (math) attention kernel on or off (recorded only)."""
    _SDP["math"] = bool(enabled)


def math_sdp_enabled():
    return _SDP["math"]


def enable_cudnn_sdp(enabled):
    """Switch the cuDNN attention kernel on or off (recorded only)."""
    _SDP["cudnn"] = bool(enabled)


def cudnn_sdp_enabled():
    return _SDP["cudnn"]


def is_flash_attention_available():
    """False: no flash attention without CUDA."""
    return False
