"""PyMuPDF for the processes that only read and render PDFs, without its optional add-ons.

PyMuPDF 2 imports `pymupdf.layout` (ONNX Runtime and NumPy) and `pymupdf4llm` whenever they
are installed, and treats an ImportError as "not installed". We use neither. In the child
process that reads one upload they were most of its start-up (0.63 s against 0.07 s for
PyMuPDF alone, measured here), paid again for every upload before a tablet sees page 1, and
their memory counted against the child's address-space limit.
"""

from __future__ import annotations

import sys
from types import ModuleType

OPTIONAL_ADDONS = ("pymupdf.layout", "pymupdf4llm")


def load_pymupdf() -> ModuleType:
    """Import PyMuPDF; when this process has not imported it yet, without the add-ons.

    Call before anything else imports `pymupdf` (the add-ons then stay unavailable in this
    process, which is meant only for child processes)."""
    if "pymupdf" not in sys.modules:
        for name in OPTIONAL_ADDONS:
            # A None entry makes `import name` raise ImportError, which PyMuPDF expects.
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    import pymupdf

    return pymupdf
