"""docs/protections.md and docs/protections.toml stay honest: every named test exists (as
pytest collects it), every `module:function` is there, every mutant's text is in its file
exactly once, and the page's table is the one generated from the list."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from scripts.mutants import ROOT, load, markdown, problems

PAGE = ROOT / "docs" / "protections.md"


def collected(files: set[str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *sorted(files)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.strip() for line in done.stdout.splitlines() if "::" in line}


def test_every_guarding_test_exists() -> None:
    _, protections = load()
    named = {t for p in protections for t in p.tests}
    found = collected({t.split("::")[0] for t in named})
    for test in sorted(named):
        # A test named without its parameters stands for all of them.
        assert test in found or any(f.startswith(test + "[") for f in found), test


def test_every_protection_names_code_that_exists() -> None:
    _, protections = load()
    for p in protections:
        for where in p.where:
            module, _, name = where.partition(":")
            found: object = importlib.import_module(module)
            for part in name.split("."):  # a method: Class.method
                assert hasattr(found, part), (p.id, where)
                found = getattr(found, part)


def test_every_mutant_applies_once_and_the_list_is_well_formed() -> None:
    assert problems(*load()) == []


def test_a_mutant_that_no_longer_applies_is_caught(tmp_path: Path) -> None:
    promises, protections = load()
    (tmp_path / "meetings").mkdir()
    first = protections[0].mutants[0]
    (tmp_path / first.file).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / first.file).write_text("nothing to mutate here\n")
    assert any("0 times" in line for line in problems(promises, protections[:1], tmp_path))


def test_the_page_shows_the_list() -> None:
    page = PAGE.read_text(encoding="utf-8")
    begin, end = "<!-- protections:begin -->\n", "<!-- protections:end -->"
    table = page[page.index(begin) + len(begin):page.index(end)]
    assert table == markdown(*load()), "run: python scripts/mutants.py --markdown"
