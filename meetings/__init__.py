"""meetings: the domain (meetings, documents, votes, minutes), with no web or real-time layer.

One process-wide choice is made here, before anything imports PyMuPDF. PyMuPDF 2 installs
`pymupdf_layout` and `pymupdf4llm`, and `import pymupdf` then imports both, loads an ONNX
layout model and runs an inference, which phonghop never uses (it reads words with
positions, not layout). Blocking those two imports (PyMuPDF skips each when its import
fails) takes `import pymupdf` from about 0.48 s to 0.08 s and its resident memory from
164 MB to 58 MB, in the server and in every reader and render process, where the import is
paid on each upload's way to its first page and counted against the reader's memory limit.
"""

import sys

for _unused in ("pymupdf.layout", "pymupdf4llm"):
    sys.modules.setdefault(_unused, None)  # type: ignore[arg-type]
