"""The training loop of README.md's "A training loop" section, run as the README shows it.

The block imports tinytorch; it is run with those imports turned into torch's, so that under
the real torch it is the PyTorch program a reader would write, and under the launcher's
tinytorch mode it is the README's code again.
"""
import pathlib
import re

readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
section = readme.split("## A training loop", 1)[1]
code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
code = code.replace("import tinytorch as torch", "import torch").replace("tinytorch", "torch")
exec(compile(code, "README.md (A training loop)", "exec"), {"__name__": "__main__"})
