"""The layering holds: the domain knows no web framework and no sockets; the real-time core
knows nothing of meetings."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("meetings", {"starlette", "uvicorn", "websockets", "realtime", "phonghop", "redis"}),
        ("realtime", {"meetings", "phonghop", "starlette", "sqlmodel", "sqlalchemy"}),
    ],
)
def test_package_does_not_import(package: str, forbidden: set[str]) -> None:
    offenders = {
        path: sorted(names & forbidden)
        for path, names in imported_modules(package).items()
        if names & forbidden
    }
    assert offenders == {}


def test_every_module_says_what_it_owns() -> None:
    missing = []
    for package in ("meetings", "realtime", "phonghop"):
        for path in (ROOT / package).glob("*.py"):
            if ast.get_docstring(ast.parse(path.read_text())) is None:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_reader_and_render_processes_load_pymupdf_without_the_layout_model() -> None:
    """What a reader child or a render worker imports: PyMuPDF, without the ONNX layout model
    PyMuPDF 2 would otherwise load on import (0.4 s and 100 MB per process)."""
    probe = ("import sys, meetings.ingest_worker, phonghop.rendering, pymupdf; "
             "pymupdf.open(); print(sorted(m for m in ('onnxruntime', 'pymupdf4llm', "
             "'pymupdf.layout') if sys.modules.get(m) is not None))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
