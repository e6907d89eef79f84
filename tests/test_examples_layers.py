"""The CNN and language-model examples run end to end with short settings and learn."""
import importlib.util
import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "examples")


def _load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}",
                                                  os.path.join(EXAMPLES, f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_digits_cnn_learns():
    pytest.importorskip("sklearn")
    res = _load("digits_cnn").main(["--epochs", "4", "--quiet"])
    # chance is 0.1; four epochs of this CNN reach ~0.98 (the full run: >= 0.97)
    assert res["test_acc"] >= 0.95
    assert res["train_loss"] < 0.3


def test_char_lm_loss_falls_below_the_unigram_baseline():
    res = _load("char_lm").main(["--steps", "100", "--lr", "1e-2", "--batch-size", "16",
                                 "--block", "32", "--dim", "32", "--layers", "1",
                                 "--sample-chars", "20", "--quiet"])
    base = res["baseline"]
    assert 2.5 < base < 4.0                                  # English text, ~60 characters
    assert res["first_loss"] > base                           # an untrained model is worse
    assert res["train_loss"] < base - 0.2 and res["val_loss"] < base - 0.2
    assert res["sample"].startswith("Shall I ") and len(res["sample"]) == 28
