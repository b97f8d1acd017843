"""docs/architecture.md names only modules and functions that exist, and the import rules hold.

The document names modules as `discovery_tui/x/y.py` (or `x/y.py` under the package) and objects as
`module.name` (e.g. `plan.build_plan`, `apply.apply_run`). Every such name must resolve, so the
document cannot drift from the code unnoticed.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "discovery_tui"
DOC = ROOT / "docs" / "architecture.md"

_PATH = re.compile(r"`(?:discovery_tui/)?([a-z_]+(?:/[a-z_]+)*(?:\.py|/))`")
_OBJECT = re.compile(r"`([a-z_]+(?:\.[a-z_]+)*)\.([A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`")


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _package_modules() -> set[str]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
    } | {
        ".".join(path.parent.relative_to(PACKAGE).parts)
        for path in PACKAGE.rglob("__init__.py")
        if path.parent != PACKAGE
    }


def test_every_path_the_document_names_exists() -> None:
    paths = _PATH.findall(_doc())
    assert paths, "the document names no module: the pattern or the document is wrong"
    missing = [p for p in paths if not (PACKAGE / p).exists() and not (ROOT / p).exists()]
    assert missing == []


def test_every_object_the_document_names_exists() -> None:
    modules = _package_modules()
    checked = 0
    missing: list[str] = []
    for module, name in _OBJECT.findall(_doc()):
        if module not in modules or module == "__main__" or name in {"py", "yaml", "json", "md"}:
            continue  # e.g. `httpx.MockTransport`, `os.replace`, a file name: not ours
        checked += 1
        imported = importlib.import_module(f"discovery_tui.{module}")
        if not hasattr(imported, name):
            missing.append(f"{module}.{name}")
    assert checked >= 10, "the document should name the main functions of the run"
    assert missing == []


def test_every_module_of_the_package_is_in_the_document() -> None:
    text = _doc()
    absent = [
        module
        for module in sorted(_package_modules())
        if module.replace(".", "/") + ".py" not in text
        and module.replace(".", "/") + "/" not in text
        and module.split(".")[0] + "/" not in text
    ]
    assert absent == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "allowed"),
    [("rich", ("render/",)), ("questionary", ("prompt.py",))],
)
def test_only_the_allowed_modules_import(package: str, allowed: tuple[str, ...]) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if package in _imports(path)
        and not str(path.relative_to(PACKAGE).as_posix()).startswith(allowed)
    ]
    assert offenders == []


def test_exception_classes_are_defined_only_in_errors() -> None:
    offenders: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base) for base in node.bases}
                if any(b.endswith(("Error", "Exception", "Cancelled", "Interrupt")) for b in bases):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert offenders == []


def test_no_module_level_http_calls() -> None:
    pattern = re.compile(r"\bhttpx\.(get|post|put|patch|delete|request|stream)\(")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
