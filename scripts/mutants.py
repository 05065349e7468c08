"""`make mutants`: remove each protection of docs/protections.toml in turn and check that the
tests guarding it notice.

For every mutant (a text replacement: file, old, new) the file is changed, only that
protection's tests run (pytest, stopping at the first failure), and a failure is expected: the
mutant is then "killed"; passing tests mean it "survived". The file is always put back, also on
Ctrl-C or SIGTERM. Protections marked for "postgresql" run there too when
PHONGHOP_TEST_DATABASE_URL is set. Before the mutants, the same tests run once unchanged (the
baseline: a mutant killed by tests that fail anyway proves nothing).

Output: one JSON object per line, the last a summary (mutants, killed, survived, seconds).
Exit status 0 when every mutant was killed and the baseline passed.

    python scripts/mutants.py                 # every protection
    python scripts/mutants.py --only record.  # the protections whose id starts so
    python scripts/mutants.py --markdown      # the table of docs/protections.md
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "docs" / "protections.toml"
ENGINE_URL = "PHONGHOP_TEST_DATABASE_URL"


@dataclass(frozen=True)
class Mutant:
    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Protection:
    id: str
    promise: str
    what: str
    where: tuple[str, ...]
    tests: tuple[str, ...]
    engines: tuple[str, ...]
    mutants: tuple[Mutant, ...]


def load(path: Path = LIST) -> tuple[dict[str, str], list[Protection]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    promises: dict[str, str] = data["promise"]
    out = []
    for row in data["protection"]:
        out.append(Protection(
            id=row["id"], promise=row["promise"], what=row["what"],
            where=tuple(row["where"]), tests=tuple(row["tests"]),
            engines=tuple(row.get("engines", ["sqlite"])),
            mutants=tuple(Mutant(m["file"], m["old"], m["new"]) for m in row["mutant"]),
        ))
    return promises, out


def problems(promises: dict[str, str], protections: list[Protection],
             root: Path = ROOT) -> list[str]:
    """What would make the list lie: an unknown promise, a duplicate id, a mutant whose text
    is not in its file exactly once (it would mutate nothing, or the wrong place)."""
    found = []
    ids = [p.id for p in protections]
    found += [f"{i}: listed twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for p in protections:
        if p.promise not in promises:
            found.append(f"{p.id}: unknown promise {p.promise!r}")
        if not p.tests or not p.mutants:
            found.append(f"{p.id}: needs tests and at least one mutant")
        for engine in p.engines:
            if engine not in ("sqlite", "postgresql"):
                found.append(f"{p.id}: unknown engine {engine!r}")
        for m in p.mutants:
            source = root / m.file
            count = source.read_text(encoding="utf-8").count(m.old) if source.exists() else -1
            if count != 1:
                found.append(f"{p.id}: {m.file} holds the mutant's text {count} times, not once")
    return found


class Restorer:
    """Puts a mutated file back whatever happens: normal end, exception, Ctrl-C, SIGTERM."""

    def __init__(self) -> None:
        self.saved: dict[Path, bytes] = {}

    def mutate(self, path: Path, old: str, new: str) -> None:
        original = path.read_bytes()
        self.saved[path] = original
        path.write_bytes(original.decode("utf-8").replace(old, new, 1).encode("utf-8"))

    def restore(self) -> None:
        for path, original in self.saved.items():
            path.write_bytes(original)
        self.saved.clear()


def run_tests(tests: tuple[str, ...], engine_url: str, timeout: float) -> tuple[int, float]:
    env = dict(os.environ, **{ENGINE_URL: engine_url})
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "--no-header", "-p", "no:cacheprovider",
             *tests], cwd=ROOT, env=env, capture_output=True, timeout=timeout)
        code = done.returncode
    except subprocess.TimeoutExpired:
        code = -1  # a mutant that hangs the tests is noticed too
    return code, time.monotonic() - started


def engines_to_run(p: Protection, postgres: str) -> list[tuple[str, str]]:
    out = [("sqlite", "")]
    if "postgresql" in p.engines and postgres:
        out.append(("postgresql", postgres))
    return out


def emit(row: dict[str, Any]) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


def mutation_run(protections: list[Protection], *, baseline: bool, timeout: float) -> int:
    postgres = os.environ.get(ENGINE_URL, "")
    restorer = Restorer()

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    mutants = killed = 0
    base_ok = True
    try:
        if baseline:
            # The guarding tests unchanged, once per engine: they must pass.
            for engine, url in (("sqlite", ""), ("postgresql", postgres)):
                tests = sorted({t for p in protections for e, _ in engines_to_run(p, postgres)
                                if e == engine for t in p.tests})
                if not tests:
                    continue
                code, seconds = run_tests(tuple(tests), url, timeout * 4)
                base_ok = base_ok and code == 0
                emit({"baseline": True, "engine": engine, "tests": len(tests),
                      "passed": code == 0, "seconds": round(seconds, 1)})
        for p in protections:
            for index, m in enumerate(p.mutants, start=1):
                for engine, url in engines_to_run(p, postgres):
                    restorer.mutate(ROOT / m.file, m.old, m.new)
                    try:
                        code, seconds = run_tests(p.tests, url, timeout)
                    finally:
                        restorer.restore()
                    mutants += 1
                    # 1: tests failed; 2: errors while collecting (the mutant broke an
                    # import); -1: a timeout. Anything but 0 kills the mutant.
                    dead = code != 0
                    killed += dead
                    emit({"protection": p.id, "mutant": index, "file": m.file, "engine": engine,
                          "killed": dead, "pytest_exit": code, "seconds": round(seconds, 1)})
    finally:
        restorer.restore()
    emit({"summary": True, "mutants": mutants, "killed": killed, "survived": mutants - killed,
          "baseline_passed": base_ok, "seconds": round(time.monotonic() - started, 1)})
    return 0 if killed == mutants and base_ok else 1


def markdown(promises: dict[str, str], protections: list[Protection]) -> str:
    """The table docs/protections.md carries between its markers."""
    lines = ["| promise | protection | where | guarded by | mutants |", "|---|---|---|---|---|"]
    for p in protections:
        where = "<br>".join(f"`{w}`" for w in p.where)
        tests = "<br>".join(f"`{t}`" for t in p.tests)
        engines = " (also PostgreSQL)" if "postgresql" in p.engines else ""
        lines.append(f"| {promises.get(p.promise, p.promise)} | **{p.id}**: {p.what} | "
                     f"{where} | {tests} | {len(p.mutants)}{engines} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--only", default="", help="protections whose id starts with this")
    parser.add_argument("--markdown", action="store_true", help="print the table and stop")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds for one mutant's tests (a hang counts as killed)")
    args = parser.parse_args(argv)
    promises, protections = load()
    if args.markdown:
        sys.stdout.write(markdown(promises, protections))
        return 0
    wrong = problems(promises, protections)
    if wrong:
        for line in wrong:
            print(line, file=sys.stderr)
        return 2
    chosen = [p for p in protections if p.id.startswith(args.only)]
    return mutation_run(chosen, baseline=not args.no_baseline, timeout=args.timeout)


if __name__ == "__main__":
    sys.exit(main())
