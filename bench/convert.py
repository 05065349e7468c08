"""Office conversion benchmark (not part of the test suite): how long LibreOffice takes to turn
an ordinary Word document into PDF through the server's own path (meetings.documents.ingest
.convert_to_pdf: the guard process, the fresh profile, the limits), beside a baseline measured
in the same run: the same path on a one-paragraph document (LibreOffice's start and stop).

The tests only check that a conversion finishes within its limit (tests/test_documents_hostile
.py); the speed claim lives here.

Run: python bench/convert.py [--runs 3] [--paragraphs 30]
One JSON object per line; the last is the summary.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import emit  # noqa: E402
from meetings.documents.ingest import Limits, convert_to_pdf, soffice_binary  # noqa: E402
from tests.hostile_files import docx  # noqa: E402


def convert_seconds(data: bytes, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="phonghop-bench-") as tmp:
            work = Path(tmp)
            source = work / "source.docx"
            source.write_bytes(data)
            t0 = time.perf_counter()
            pdf = convert_to_pdf(source, work, Limits())
            took.append(time.perf_counter() - t0)
            assert pdf.read_bytes().startswith(b"%PDF")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paragraphs", type=int, default=30)
    args = parser.parse_args()
    if soffice_binary() is None:
        emit({"bench": "convert", "skipped": "LibreOffice (soffice) is not installed"})
        return
    baseline = convert_seconds(docx(paragraphs=1), args.runs)
    emit({"bench": "convert_baseline_one_paragraph", "runs": args.runs,
          "median_s": round(statistics.median(baseline), 2),
          "max_s": round(max(baseline), 2)})
    ordinary = convert_seconds(docx(paragraphs=args.paragraphs), args.runs)
    emit({"bench": "convert_ordinary", "paragraphs": args.paragraphs, "runs": args.runs,
          "median_s": round(statistics.median(ordinary), 2), "max_s": round(max(ordinary), 2)})
    emit({"summary": True, "ordinary_median_s": round(statistics.median(ordinary), 2),
          "baseline_median_s": round(statistics.median(baseline), 2),
          "over_baseline_s": round(statistics.median(ordinary) - statistics.median(baseline),
                                   2)})


if __name__ == "__main__":
    main()
