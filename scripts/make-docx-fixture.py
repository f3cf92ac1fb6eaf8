#!/usr/bin/env python3
"""Builds a DOCX plan from a plan's text form, as Word would store it.

Usage: scripts/make-docx-fixture.py INPUT.txt OUTPUT.docx

Only the standard library is used. The text form's conventions map to Word's:
- a line with tabs is a table row; consecutive rows form one table (a blank line between rows,
  a page break in the text form, ends one table and starts another after an empty paragraph);
- a row whose cells after the second are all empty (a section heading) merges them into the
  second cell with w:gridSpan, as such headings usually are;
- inline <i>...</i> becomes an italic run; a <ul> list with " - " items becomes one paragraph per item;
- the "Số:" line and the date line go into a two-cell heading table, as in issued documents.
The output is deterministic (fixed timestamps) so the committed fixture only changes with its input.
"""
import re
import sys
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def runs(text):
    """Runs of a paragraph: <i>...</i> italic, other tags dropped."""
    out = []
    pos = 0
    for m in re.finditer(r"<i>(.*?)</i>", text):
        out.append((strip_tags(text[pos:m.start()]), False))
        out.append((strip_tags(m.group(1)), True))
        pos = m.end()
    out.append((strip_tags(text[pos:]), False))
    xml = []
    for chunk, italic in out:
        if not chunk:
            continue
        props = "<w:rPr><w:i/></w:rPr>" if italic else ""
        xml.append(f'<w:r>{props}<w:t xml:space="preserve">{escape(chunk)}</w:t></w:r>')
    return "".join(xml)


def strip_tags(text):
    return re.sub(r"<[^>]+>", "", text)


def paragraph(text):
    return f"<w:p>{runs(text)}</w:p>"


def cell(text, span=1):
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    if "<ul" in text and "<li" not in text:
        body = strip_tags(text).strip()
        items = [i.strip() for i in re.split(r"(?:^| )- ", body) if i.strip()]
        paras = "".join(paragraph("- " + i) for i in items)
    else:
        paras = paragraph(text)
    return f"<w:tc>{props}{paras}</w:tc>"


def table(rows):
    n_cols = max(len(r) for r in rows)
    grid = "".join("<w:gridCol/>" for _ in range(n_cols))
    body = []
    for cells in rows:
        cells = cells + [""] * (n_cols - len(cells))
        if len(cells) > 2 and cells[0].strip() and all(not c.strip() for c in cells[2:]):
            xml = cell(cells[0]) + cell(cells[1], n_cols - 1)
        else:
            xml = "".join(cell(c) for c in cells)
        body.append(f"<w:tr>{xml}</w:tr>")
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>'


def document(lines):
    body = []
    rows = []
    heading = []
    for line in lines:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            body.append(table(rows))
            rows = []
        if len(heading) < 2 and (line.startswith("Số:") or ", ngày " in line) and len(body) < 6:
            heading.append(line)
            if len(heading) == 2:
                body.append(table([heading]))
            continue
        body.append(paragraph(line))
    if rows:
        body.append(table(rows))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>'
        + "".join(body)
        + "<w:sectPr/></w:body></w:document>"
    )


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    # The heading table replaces the first two heading lines; keep the rest in order.
    xml = document(lines)
    with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("word/document.xml", xml)]:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


if __name__ == "__main__":
    main()
