"""The README's "Use it from Python" section runs as written, against the shipped history."""

from __future__ import annotations

import re

from conftest import REPO_ROOT


def python_blocks() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_use_it_from_python_section_runs_as_written(shipped_default, capsys):
    blocks = python_blocks()
    assert len(blocks) >= 3
    namespace: dict[str, object] = {"__name__": "readme"}
    for block in blocks:
        exec(compile(block, "README.md (Use it from Python)", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "released on 2024-08-06" in printed and "Unknown model: acme/frontier-9000" in printed
