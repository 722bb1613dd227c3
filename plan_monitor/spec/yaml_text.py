"""YAML text to data, by libyaml when PyYAML has it: the pure-Python parser takes ~0.1 s per plan file, and the
plan picker reads every listed plan's name on a server's first page. A text libyaml does not read through is read
again in pure Python, so errors (and their marks) are the ones yaml.safe_load gives."""

from __future__ import annotations

import yaml


def safe_load(text: str):
    if getattr(yaml, "__with_libyaml__", False):
        try:
            return yaml.load(text, Loader=yaml.CSafeLoader)
        except Exception:  # noqa: BLE001 - read again below, which raises what the pure-Python loader raises
            pass
    return yaml.safe_load(text)
