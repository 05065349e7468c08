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
        for path in (ROOT / package).rglob("*.py"):
            if ast.get_docstring(ast.parse(path.read_text())) is None:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_reader_and_render_processes_load_pymupdf_without_the_layout_model() -> None:
    """What a reader child or a render worker imports: PyMuPDF, without the ONNX layout model
    PyMuPDF 2 would otherwise load on import (0.4 s and 100 MB per process)."""
    probe = ("import sys, meetings.documents.ingest_worker, phonghop.rendering, pymupdf; "
             "pymupdf.open(); print(sorted(m for m in ('onnxruntime', 'pymupdf4llm', "
             "'pymupdf.layout') if sys.modules.get(m) is not None))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_route_modules_do_not_import_each_other() -> None:
    """A route parses, authorises, calls a service and answers; what two routes share lives
    in a service (phonghop.uploads, phonghop.vote_timers...) or in phonghop.responses."""
    offenders = {}
    for path in sorted((ROOT / "phonghop").glob("routes_*.py")):
        tree = ast.parse(path.read_text(), str(path))
        names = {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
        names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                  for alias in node.names}
        imported = {n for n in names if n.startswith("phonghop.routes_")}
        imported |= {f"phonghop.{alias.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module == "phonghop"
                     for alias in node.names if alias.name.startswith("routes_")}
        if imported:
            offenders[path.name] = sorted(imported)
    assert offenders == {}


def test_no_background_task_is_started_and_forgotten() -> None:
    """Background work goes through `services.tasks.spawn` (kept, awaited at shutdown) or is
    held by the object that owns it; a bare `create_task(...)` / `ensure_future(...)` whose
    result is thrown away is the bug this test stops."""
    loose = []
    for package in ("phonghop", "realtime"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                        and isinstance(node.value.func, ast.Attribute)
                        and node.value.func.attr in ("create_task", "ensure_future")):
                    loose.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert loose == []
