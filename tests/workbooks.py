"""Workbooks in the formats the package reads but does not write, built in the tests:
ODS by hand (a zip with content.xml) and XLS through xlwt."""
from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


class Formula(str):
    """A formula cell written without its computed value, as a script leaves it."""


def _ods_cell(cell) -> str:
    if isinstance(cell, Formula):
        return f"<table:table-cell table:formula={quoteattr('of:=' + cell)}/>"
    if isinstance(cell, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(cell).lower()}">'
                f"<text:p>{cell}</text:p></table:table-cell>")
    if isinstance(cell, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{cell}">'
                f"<text:p>{cell}</text:p></table:table-cell>")
    if cell is None or cell == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(cell))}</text:p></table:table-cell>'


def ods_bytes(sheets: dict[str, list[list]]) -> bytes:
    body = []
    for name, rows in sheets.items():
        body.append(f"<table:table table:name={quoteattr(name)}>")
        for row in rows:
            body.append("<table:table-row>" + "".join(_ods_cell(c) for c in row) + "</table:table-row>")
        body.append("</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(body)}</office:spreadsheet></office:body>'
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def xls_bytes(sheets: dict[str, list[list]]) -> bytes:
    import datetime as dt

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if isinstance(cell, dt.date):
                    ws.write(r, c, cell, date_style)
                elif cell is not None and cell != "":
                    ws.write(r, c, cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_with_formulas(rows: list[list], cached: dict[str, str] | None = None, title: str = "Лист1") -> bytes:
    """An XLSX as openpyxl writes it: formulas ("=...") kept, no computed values; `cached`
    gives some cells (by reference, "D2") the value a spreadsheet program would have stored."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if not cached:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                for ref, value in cached.items():
                    head = f'<c r="{ref}">'
                    start = text.index(head)
                    end = text.index("</c>", start)
                    # "<v />", or "<v></v>" when openpyxl writes through lxml (installed with python-docx)
                    cell = re.sub(r"<v\s*/>|<v></v>", f"<v>{value}</v>", text[start:end])
                    text = text[:start] + cell + text[end:]
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()
