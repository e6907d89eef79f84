"""Run the example programs in this folder, in one process, under the real torch or with
tinytorch standing in for it.

    python _launch.py torch PROGRAM.py ...       # plain ``import torch``
    python _launch.py tinytorch PROGRAM.py ...   # ``import torch[.x]`` gives tinytorch[.x]

Each program runs as ``__main__`` (``runpy.run_path``) after a line ``=== PROGRAM.py ===``; an
exception is printed as ``!!! ExceptionType: message`` plus its traceback on stderr, and the
next program still runs.  In ``tinytorch`` mode a meta-path finder placed first answers every
import of ``torch`` or ``torch.<sub>`` with ``tinytorch`` or ``tinytorch.<sub>``; a missing
submodule is a ModuleNotFoundError, never a fall-through to the real torch package.
"""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import traceback


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass                                    # already imported under its real name


class TorchToTinytorch(importlib.abc.MetaPathFinder):
    """Answers ``torch`` and ``torch.<sub>`` with the matching tinytorch module."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "tiny" + fullname
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name is not None and (e.name == real or real.startswith(e.name + ".")):
                raise ModuleNotFoundError(f"No module named {fullname!r} (tinytorch has no "
                                          f"{real!r})", name=fullname) from None
            raise
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


def install():
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, TorchToTinytorch())


def main(argv):
    mode, programs = argv[0], argv[1:]
    if mode == "tinytorch":
        install()
    elif mode != "torch":
        raise SystemExit(f"unknown mode {mode!r}")
    here = os.path.dirname(os.path.abspath(__file__))
    for prog in programs:
        path = os.path.join(here, prog)
        print(f"=== {prog} ===", flush=True)
        sys.argv = [path]
        try:
            runpy.run_path(path, run_name="__main__")
            import torch                        # what the program really got as ``torch``
            print(f"--- ran with {torch.__name__}", flush=True)
        except BaseException as e:              # report and go on with the next program
            print(f"!!! {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
