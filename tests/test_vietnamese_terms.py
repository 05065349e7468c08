"""The words of shared/VIETNAMESE.md stay: every Vietnamese string of the web app (i18n.js and
the strings/ modules) and every string the minutes' code prints is free of the terms and the
tone that document replaces, and the pages keep their words in the string modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

STATIC_JS = ROOT / "static" / "js"
STRING_MODULES = [STATIC_JS / "i18n.js", *sorted((STATIC_JS / "strings").glob("*.js"))]
MINUTES_CODE = [*sorted((ROOT / "meetings" / "minutes").glob("*.py")),
                ROOT / "meetings" / "body_names.py"]

# (what must not appear, what VIETNAMESE.md says instead)
FORBIDDEN = [
    ("Không ý kiến", "Không biểu quyết (phiếu lấy ý kiến: Ý kiến khác)"),
    ("không ý kiến", "không biểu quyết"),
    ("Vắng có phép", "Vắng có lý do"),
    ("vắng có phép", "vắng có lý do"),
    ("niêm phong", "ký số và phát hành / đã ký số"),
    ("Niêm phong", "Ký số và phát hành / Đã ký số"),
    ("Họp mật", "Cuộc họp có nội dung mật"),
    ("ứng viên", "người ứng cử"),
    ("Ứng viên", "Người ứng cử"),
    ("Hãy ", "Vui lòng …"),
    (" hãy ", "vui lòng …"),
    (" bạn", "no 'bạn'"),
    ("Bạn ", "no 'bạn'"),
    ("quá 1/2", "quá nửa"),
    ("ít nhất 2/3", "ít nhất hai phần ba"),
    ("Đủ số lượng", "Đủ số thành viên tham dự theo quy định"),
    ("đủ số lượng", "đủ số thành viên tham dự theo quy định"),
    ("xin ý kiến", "lấy ý kiến"),
    ("Xin ý kiến", "Lấy ý kiến"),
    ("Hồ sơ diễn biến", "Nhật ký diễn biến cuộc họp"),
    ("hồ sơ cuộc họp", "nhật ký diễn biến cuộc họp"),
    ("thứ {n}", "số thứ tự {n}"),
    ("đóng dấu tên", "in chìm (hình mờ) tên người xem"),
    ("tổ chức cấp tin cậy", "tổ chức cung cấp dịch vụ chứng thực chữ ký số"),
    ("khóa của cơ quan", "chữ ký số của cơ quan, tổ chức"),
    ("Người tham dự", "Thành phần tham dự"),
    ("Chủ trì (chủ tọa)", "one word: Chủ tọa"),
    ("người ghi biên bản", "Thư ký"),
]
# The live console may say who has not voted yet; a final record never does.
RECORD_ONLY = [("Chưa biểu quyết", "not in a final record"),
               ("chưa biểu quyết", "not in a final record")]
VI_VALUE = re.compile(r"""\bvi:\s*(['"])((?:\\.|(?!\1).)*)\1""")
VIETNAMESE_LETTER = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
    "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ]")


def vietnamese_strings() -> list[tuple[str, str]]:
    found = []
    for path in STRING_MODULES:
        for match in VI_VALUE.finditer(path.read_text(encoding="utf-8")):
            found.append((path.name, match.group(2)))
    return found


def test_the_string_modules_are_read() -> None:
    strings = vietnamese_strings()
    assert len(strings) > 300
    assert ("record.js", "Thuộc nội dung") in strings  # strings/ modules are scanned too


@pytest.mark.parametrize(("term", "instead"), FORBIDDEN, ids=[t for t, _ in FORBIDDEN])
def test_no_replaced_term_in_the_web_app(term: str, instead: str) -> None:
    offenders = [(name, text) for name, text in vietnamese_strings() if term in text]
    assert offenders == [], f"use {instead!r}"


def test_absence_is_never_just_vang_mat() -> None:
    """An attendance label says which absence: "Vắng có lý do" or "Vắng không có lý do"."""
    assert [t for _, t in vietnamese_strings() if t.strip() in ("Vắng mặt", "Vắng")] == []


def _literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
    return out


@pytest.mark.parametrize("path", MINUTES_CODE, ids=[p.name for p in MINUTES_CODE])
def test_no_replaced_term_in_what_the_minutes_print(path: Path) -> None:
    docstrings_too = " ".join(_literals(path))
    # the module docstrings may name a replaced term to explain it; printed text may not
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {ast.get_docstring(n, clean=False) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef)}
    printed = [s for s in _literals(path) if s not in docs]
    offenders = [(term, s) for term, _ in FORBIDDEN + RECORD_ONLY for s in printed if term in s]
    assert offenders == [], offenders
    assert docstrings_too  # the file was read


def test_pages_keep_their_words_in_the_string_modules() -> None:
    """No Vietnamese in page code: words (vote-rule presets too) live with the other strings,
    where they have an English side and this test's eyes."""
    offenders = []
    for path in STATIC_JS.rglob("*.js"):
        if path in STRING_MODULES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("//", 1)[0] if not line.lstrip().startswith("//") else ""
            if VIETNAMESE_LETTER.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
