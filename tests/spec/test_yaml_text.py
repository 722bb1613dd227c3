"""spec.yaml_text.safe_load: libyaml's reading of a text is yaml.safe_load's, and so are its errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plan_monitor.paths import ROOT
from plan_monitor.spec.yaml_text import safe_load

PLAN_FILES = sorted([ROOT / "targets.yaml", *(ROOT / "examples").glob("*.yaml"), *(ROOT / "plans").glob("*.yaml")])


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.name)
def test_same_data_as_the_pure_python_loader(path: Path):
    text = path.read_text(encoding="utf-8")
    assert safe_load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["plan: [1, 2", "a: b: c", "key: 2024-13-01", "- x\ny: 1"])
def test_same_errors_as_the_pure_python_loader(text: str):
    with pytest.raises(Exception) as expected:
        yaml.safe_load(text)
    with pytest.raises(type(expected.value)) as got:
        safe_load(text)
    assert str(got.value) == str(expected.value)
