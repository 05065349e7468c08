"""Where the fonts embedded in generated PDFs (minutes, signature appearances) come from.

Decree 30/2020/ND-CP asks for Times New Roman; we embed Liberation Serif 2, which has the same
metrics and every Vietnamese glyph, from Debian's ``fonts-liberation2`` package. The directory
can be overridden with ``PHONGHOP_FONT_DIR`` (it must hold the same four file names).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

FONT_DIR_ENV = "PHONGHOP_FONT_DIR"
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")


class SerifStyle(StrEnum):
    REGULAR = "LiberationSerif-Regular.ttf"
    BOLD = "LiberationSerif-Bold.ttf"
    ITALIC = "LiberationSerif-Italic.ttf"
    BOLD_ITALIC = "LiberationSerif-BoldItalic.ttf"


def font_dir() -> Path:
    """The directory holding all four Liberation Serif styles, checked to exist."""
    directory = Path(os.environ.get(FONT_DIR_ENV) or DEFAULT_FONT_DIR)
    missing = [style.value for style in SerifStyle if not (directory / style.value).is_file()]
    if missing:
        raise FileNotFoundError(
            f"Thiếu phông chữ {', '.join(missing)} trong {directory}: cài gói fonts-liberation2 "
            f"(apt-get install fonts-liberation2) hoặc đặt {FONT_DIR_ENV}. / "
            f"Missing font files {', '.join(missing)} in {directory}: run "
            f"`apt-get install fonts-liberation2` or point {FONT_DIR_ENV} at a directory "
            "holding them."
        )
    return directory


def serif_font(style: SerifStyle = SerifStyle.REGULAR) -> Path:
    """Path of one Liberation Serif style."""
    return font_dir() / style.value
