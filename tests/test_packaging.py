"""The wheel's package list is derived from the folders (setup.py); these keep that honest."""

from __future__ import annotations

import importlib.util
import tomllib

from conftest import REPO_ROOT


def _setup_module():
    spec = importlib.util.spec_from_file_location("pricewatch_setup", REPO_ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_folder_with_python_code_is_a_shipped_package():
    setup = _setup_module()
    packages = set(setup.part_packages())
    missing = []
    for name, folder in setup.PART_FOLDERS.items():
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            parts = path.parent.relative_to(REPO_ROOT / folder).parts
            if "__pycache__" in parts:
                continue
            package = ".".join((name, *parts))
            if package not in packages or not (path.parent / "__init__.py").is_file():
                missing.append(str(path.relative_to(REPO_ROOT)))
    assert missing == []


def test_the_commands_package_ships():
    # The package that a hand-kept list once lacked (the installed command died on start).
    assert "pricewatch.commands" in _setup_module().part_packages()


def test_the_distribution_name_is_not_the_unrelated_pricewatch():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "pricewatch-llm"
    assert project["scripts"] == {"pricewatch": "pricewatch.cli:main"}
