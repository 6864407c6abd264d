"""The order's annex: the approved list of pairs and groups, as report.html shows it and as an
editable file the head of the school signs (`--order order.docx` or `order.xlsx`).

The school approves the pairs by an order «Об утверждении наставнических пар/групп»
(docs/domain.md, "The cycle around a run", step 2). Its annex, per form of mentoring: one
numbered row per pair or group (a group is one mentor with several mentees), each person with
their class or category and subjects (wording.Words.about, as everywhere), the form and whether
it is individual or group, a blank start date; then a signature block left blank for the head
and the curator.
`annex_rows` is the one list both the report and the files show, numbered the same.

Only names, ids, category, class and subjects are written: nothing sensitive, no scores.
Names are untrusted: every XLSX text cell goes through io.writers.neutralise (no formulas),
and characters XML cannot hold are dropped in both formats.

Where the file goes (`order_target`): inside the run's `--out` (or, for `matcher order`, the
result folder) it is one file of the output set — staged, listed in manifest.json, swapped in
with the rest; anywhere else it is written on its own, atomically (a temporary file beside it,
renamed over it), after the set. Either way it is checked before the solve.
"""
from __future__ import annotations

import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .i18n import register, render
from .io.outputset import LEGACY_FILES, MANIFEST, OutputError, prepare_plain_dir, replace_in_set
from .io.writers import atomic_write_bytes, neutralise, reproducible_zip
from .results import form_order, form_title, is_group
from .wording import Words

FORMATS = (".docx", ".xlsx")

register({
    # the annex's words, shared with report.html (its template shows them as T.appendix_*)
    "report.appendix_to": ("Приложение к приказу", "Appendix to the order"),
    "report.appendix_date": ("от «____» ______________ 20____ г. № ________",
                             "dated ____ ______________ 20____, No. ________"),
    "report.appendix_title": ("Об утверждении наставнических пар/групп", "On approving the mentoring pairs/groups"),
    "report.appendix_col_num": ("№ п/п", "No."),
    "report.appendix_col_mentor": ("Наставник", "Mentor"),
    "report.appendix_col_mentees": ("Наставляемый / группа наставляемых", "Mentee / group of mentees"),
    "report.appendix_col_form": ("Форма наставничества", "Form of mentoring"),
    "report.appendix_sign_head": ("Руководитель образовательной организации", "Head of the school"),
    "report.appendix_sign_curator": ("Куратор программы наставничества", "Curator of the mentoring programme"),
    "report.appendix_signature": ("подпись", "signature"),
    "report.appendix_signature_name": ("расшифровка подписи", "name"),
    # the files only
    "order.col_start": ("Дата начала", "Start date"),
    "order.section": ("Форма наставничества: {form}", "Form of mentoring: {form}"),
    "order.form_kind": ("{form}, {kind}", "{form}, {kind}"),
    "order.individual": ("индивидуальная", "individual"),
    "order.group": ("групповая", "group"),
    "order.empty": ("Наставнических пар и групп нет.", "No mentoring pairs or groups."),
    "order.written": ("Приложение к приказу: {path}", "Appendix to the order: {path}"),
    # where it cannot go
    "order.unsupported": ("{path}: такой формат приложения к приказу не поддерживается; укажите файл "
                          "с расширением .docx (Word) или .xlsx (Excel)",
                          "{path}: unsupported format for the appendix to the order; give a file name ending in "
                          ".docx (Word) or .xlsx (Excel)"),
    "order.is_dir": ("{path}: это папка, а для приложения к приказу нужно имя файла",
                     "{path} is a directory; the appendix to the order needs a file name"),
    "order.is_input": ("{path}: это входной файл, а входные файлы не изменяются; укажите другое имя",
                       "{path} is an input file, and inputs are never modified; give another name"),
    "order.reserved": ("{path}: так называется один из файлов результатов ({name}); укажите другое имя",
                       "{path} is the name of one of the result files ({name}); give another name"),
    "order.under_a_file": ("{path}: часть пути — файл, а не папка", "{path}: a part of the path is a file, "
                           "not a directory"),
    "order.write_failed": ("не удалось записать {path}: {reason}", "cannot write {path}: {reason}"),
})


class OrderFormatError(ValueError):
    """The order's file name ends in neither .docx nor .xlsx (CLI exit 1)."""

    def __init__(self, path):
        super().__init__(str(path))
        self.path = str(path)

    def message(self, lang: str) -> str:
        return render("order.unsupported", {"path": self.path}, lang)


def order_format(path) -> str:
    """'.docx' or '.xlsx', by the file name's ending (any case); OrderFormatError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise OrderFormatError(path)
    return suffix


# ---------------------------------------------------------------------------------------------
# The list


def annex_rows(doc: dict, lang: str) -> list[dict]:
    """The annex: one numbered row per pair or group (a mentor's mentees in one form; more than
    one mentee, or a group minimum, is a group), by form in the programme's order, then by the
    mentor's name; mentees by name. Each row: num, mentor_name, mentor_id, mentor_about, mentees
    [{name, id, about}], form, form_title, is_group."""
    words = Words(doc, lang, "report")
    group_min = {m["mentor_id"]: m.get("group_min") for m in doc.get("mentors") or []}
    units: dict[tuple[str, str], dict] = {}
    for p in doc.get("pairs") or []:
        key = (p["mentor_id"], p["form"])
        if key not in units:
            units[key] = {"mentor_name": p["mentor_name"], "mentor_id": p["mentor_id"],
                          "mentor_about": words.about(p["mentor_id"]), "mentees": [],
                          "form": p["form"], "form_title": form_title(doc, p["form"], lang)}
        units[key]["mentees"].append({"name": p["mentee_name"], "id": p["mentee_id"],
                                      "about": words.about(p["mentee_id"])})
    form_ids = form_order(doc)
    ordered = sorted(units.values(), key=lambda u: (form_ids.index(u["form"]), u["mentor_name"], u["mentor_id"]))
    for k, u in enumerate(ordered):
        u["num"] = k + 1
        u["mentees"].sort(key=lambda m: (m["name"], m["id"]))
        u["is_group"] = is_group(len(u["mentees"]), group_min.get(u["mentor_id"]))
    return ordered


def _sections(doc: dict, lang: str) -> list[tuple[str, list[list[list[str]]]]]:
    """(section heading, rows) per form that has pairs; a row is five cells, a cell its lines."""
    sections: dict[str, tuple[str, list]] = {}
    for row in annex_rows(doc, lang):
        kind = render("order.group" if row["is_group"] else "order.individual", None, lang)
        mentor = [f"{row['mentor_name']} ({row['mentor_id']})"] + ([row["mentor_about"]] if row["mentor_about"]
                                                                   else [])
        mentees = [f"{m['name']} ({m['id']})" + (f", {m['about']}" if m["about"] else "") for m in row["mentees"]]
        form = [render("order.form_kind", {"form": row["form_title"], "kind": kind}, lang)]
        heading = render("order.section", {"form": row["form_title"]}, lang)
        sections.setdefault(row["form"], (heading, []))[1].append([[str(row["num"])], mentor, mentees, form, [""]])
    return list(sections.values())


def _texts(lang: str) -> dict[str, str]:
    def t(code):
        return render(code, None, lang)

    return {
        "to": t("report.appendix_to"), "date": t("report.appendix_date"), "title": t("report.appendix_title"),
        "columns": [t("report.appendix_col_num"), t("report.appendix_col_mentor"), t("report.appendix_col_mentees"),
                    t("report.appendix_col_form"), t("order.col_start")],
        "signers": [t("report.appendix_sign_head"), t("report.appendix_sign_curator")],
        "signature": t("report.appendix_signature"), "signature_name": t("report.appendix_signature_name"),
        "empty": t("order.empty"),
    }


# XML 1.0 cannot hold these (a questionnaire cell can): dropped, not an error.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", str(text))


# ---------------------------------------------------------------------------------------------
# DOCX (python-docx)

_WIDTHS_MM = (10, 44, 50, 37, 24)  # №, mentor, mentees, form, start date: 165 mm, the text width below
_BLANK = "____________________"


def docx_bytes(doc: dict, lang: str = "en") -> bytes:
    """The annex as a Word document: A4 portrait, a table per form whose header row repeats on
    every page, rows that do not split across pages, page numbers from 1 in the footer, the
    signature block kept with the last row."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Mm, Pt

    T = _texts(lang)
    document = Document()
    _docx_page(document, Mm)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    _docx_run_defaults(normal, "ru-RU" if lang == "ru" else "en-GB")
    normal.paragraph_format.space_after = Pt(0)
    cell_style = document.styles.add_style("Annex cell", WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style, cell_style.font.size = normal, Pt(11)
    cell_style_id = cell_style.style_id  # set by id: Paragraph.style looks the style up every time
    props = document.core_properties
    props.title, props.author, props.last_modified_by = T["title"], "mentor-matcher", "mentor-matcher"
    props.language, props.comments = ("ru-RU" if lang == "ru" else "en-GB"), ""
    _docx_drop_thumbnail(document)

    for line in (T["to"], T["date"]):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.add_run(T["title"]).bold = True
    program = ((doc.get("program") or {}).get("name") or "").strip()
    if program:
        document.add_paragraph(_xml_text(program)).alignment = WD_ALIGN_PARAGRAPH.CENTER

    sections = _sections(doc, lang)
    last_row = None
    for heading, rows in sections:
        p = document.add_paragraph()
        p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(12), Pt(6)
        p.paragraph_format.keep_with_next = True
        p.add_run(_xml_text(heading)).bold = True
        table = document.add_table(rows=1, cols=len(T["columns"]))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header = table.rows[0]
        _docx_row_flag(header, "w:tblHeader")
        _docx_row_flag(header, "w:cantSplit")
        for cell, text in zip(header.cells, T["columns"]):
            p = cell.paragraphs[0]
            p._p.get_or_add_pPr().style, p.alignment = cell_style_id, WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(text).bold = True
        _docx_widths(table, _WIDTHS_MM, Mm)
        twips = [Mm(w).twips for w in _WIDTHS_MM]
        for cells in rows:
            table._tbl.append(parse_xml(_docx_row_xml(cells, twips, cell_style_id)))
        last_row = table.rows[-1]
    if not sections:
        document.add_paragraph(T["empty"]).paragraph_format.space_before = Pt(12)
    if last_row is not None:  # the signatures never stand alone on the last page
        for cell in last_row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    _docx_signatures(document, T, Mm, Pt)
    buf = io.BytesIO()
    document.save(buf)
    return reproducible_zip(buf.getvalue())


def _docx_row_xml(cells: list[list[str]], twips: list[int], style_id: str) -> str:
    """One annex row as WordprocessingML: a row that does not split, a paragraph per line, the
    number centred, a group's mentees set a little apart. Written as text because python-docx
    builds a cell in milliseconds, which a district's thousands of rows turn into a minute."""
    from xml.sax.saxutils import escape as xml_escape  # here: it loads urllib and ssl, and only .docx needs it

    from docx.oxml.ns import nsdecls

    tcs = []
    for k, (lines, width) in enumerate(zip(cells, twips)):
        paragraphs = []
        for n, line in enumerate(lines):
            spacing = '<w:spacing w:after="60"/>' if k == 2 and n < len(lines) - 1 else ""
            centred = '<w:jc w:val="center"/>' if k == 0 else ""
            paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{spacing}{centred}</w:pPr>'
                              f'<w:r><w:t xml:space="preserve">{xml_escape(_xml_text(line))}</w:t></w:r></w:p>')
        tcs.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{"".join(paragraphs)}</w:tc>')
    return f'<w:tr {nsdecls("w")}><w:trPr><w:cantSplit/></w:trPr>{"".join(tcs)}</w:tr>'


def _docx_page(document, Mm) -> None:
    """A4 portrait, margins as Russian office papers use them, page numbers from 1 centred in
    the footer."""
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                                          "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                                          "w:printerSettings", "w:sectPrChange")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = footer.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _docx_drop_thumbnail(document) -> None:
    """python-docx's template carries a picture of another document as the file's thumbnail."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = document.part.package.rels
    for rel_id in [k for k, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(rel_id)


def _docx_run_defaults(style, language: str) -> None:
    """Times New Roman for every script, and the text's language (spelling checks)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), "Times New Roman")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    rpr.append(lang)


def _docx_row_flag(row, tag: str) -> None:
    """A row property that is on or off: w:tblHeader (repeat on every page), w:cantSplit."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _docx_signatures(document, T: dict, Mm, Pt) -> None:
    """Who signs, a line for the signature and one for the name, captions under the lines; a
    table without borders that stays on one page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Pt(18)
    spacer.paragraph_format.keep_with_next = True
    table = document.add_table(rows=0, cols=3)
    table.autofit = False
    widths = (65, 50, 50)
    for k, who in enumerate(T["signers"]):
        for line, caption in ((True, False), (False, True)):
            row = table.add_row()
            _docx_row_flag(row, "w:cantSplit")
            texts = ((who, _BLANK, _BLANK) if line else ("", T["signature"], T["signature_name"]))
            for cell, text in zip(row.cells, texts):
                p = cell.paragraphs[0]
                run = p.add_run(text)
                if caption:
                    run.italic, run.font.size = True, Pt(9)
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    p.paragraph_format.space_after = Pt(12)
                elif text == _BLANK:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                last = k == len(T["signers"]) - 1 and caption
                p.paragraph_format.keep_with_next = not last
    _docx_widths(table, widths, Mm)


def _docx_widths(table, widths_mm, Mm) -> None:
    """Column widths in the grid (LibreOffice reads these) and in every cell (Word reads those)."""
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


# ---------------------------------------------------------------------------------------------
# XLSX (openpyxl)

_XLSX_WIDTHS = (7, 34, 44, 24, 14)  # characters
_LINE_HEIGHT = 15.0  # points per line of 11-pt text


def xlsx_bytes(doc: dict, lang: str = "en") -> bytes:
    """The annex as one worksheet laid out like the document: A4 portrait, one page wide, the
    first table's header row repeated at the top of every printed page, page numbers in the
    footer, text wrapped in cells (a group's mentees one per line), no formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    T = _texts(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = T["to"][:31]
    ncols = len(T["columns"])
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for k, width in enumerate(_XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width

    def put(r: int, c: int, value, **style):
        cell = ws.cell(row=r, column=c, value=neutralise(_xml_text(value)) if isinstance(value, str) else value)
        for name, v in style.items():
            setattr(cell, name, v)
        return cell

    def line(r: int, text: str, **style):  # a line of text across the table's width
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        put(r, 1, text, **style)

    r = 1
    for text in (T["to"], T["date"]):
        line(r, text, alignment=Alignment(horizontal="right"))
        r += 1
    r += 1
    line(r, T["title"], font=Font(bold=True, size=13), alignment=Alignment(horizontal="center"))
    r += 1
    program = ((doc.get("program") or {}).get("name") or "").strip()
    if program:
        line(r, program, alignment=Alignment(horizontal="center"))
        r += 1
    header_row = None
    sections = _sections(doc, lang)
    for heading, rows in sections:
        r += 2 if header_row else 1
        line(r, heading, font=Font(bold=True))
        r += 1
        header_row = header_row or r
        for c, text in enumerate(T["columns"], start=1):
            put(r, c, text, font=Font(bold=True), border=grid,
                alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        ws.row_dimensions[r].height = _LINE_HEIGHT * 2
        for cells in rows:
            r += 1
            for c, value in enumerate(cells, start=1):
                text = "\n".join(value)
                if c == 1:
                    put(r, c, int(text), border=grid, alignment=Alignment(horizontal="center", vertical="top"))
                else:
                    put(r, c, text, border=grid, alignment=wrap,
                        **({"number_format": "DD.MM.YYYY"} if c == ncols else {}))
            ws.row_dimensions[r].height = _LINE_HEIGHT * max(_lines(v, w) for v, w in zip(cells, _XLSX_WIDTHS))
    if not sections:
        r += 1
        line(r, T["empty"])
    r += 1
    for who in T["signers"]:
        r += 2
        put(r, 2, who, alignment=wrap)
        put(r, 3, _BLANK, alignment=Alignment(horizontal="center"))
        put(r, 4, _BLANK, alignment=Alignment(horizontal="center"))
        r += 1
        for c, caption in ((3, T["signature"]), (4, T["signature_name"])):
            put(r, c, caption, font=Font(italic=True, size=8), alignment=Alignment(horizontal="center"))
    setup = ws.page_setup
    setup.paperSize, setup.orientation = ws.PAPERSIZE_A4, "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    setup.firstPageNumber, setup.useFirstPageNumber = 1, True
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top, ws.page_margins.bottom = 20 / 25.4, 20 / 25.4
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "&P"
    wb.properties.creator = wb.properties.lastModifiedBy = "mentor-matcher"
    wb.properties.title = T["title"]
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_zip(buf.getvalue())


def _lines(lines: list[str], width: float) -> int:
    """Printed lines of a wrapped cell `width` characters wide (an estimate: Excel does not
    fit row heights of a file it did not lay out)."""
    per_line = max(1, int(width * 0.95))
    return max(1, sum(max(1, math.ceil(len(text) / per_line)) for text in lines))


# ---------------------------------------------------------------------------------------------
# Writing


def order_bytes(doc: dict, path, lang: str = "en") -> bytes:
    """The annex in the format `path`'s ending names; OrderFormatError for any other."""
    return (docx_bytes if order_format(path) == ".docx" else xlsx_bytes)(doc, lang)


@dataclass
class OrderTarget:
    """Where an order file goes: `name` in the output set of `set_dir`, or `path` on its own."""
    path: Path
    name: str | None = None  # the file's name inside the set (posix), when it is inside

    @property
    def in_set(self) -> bool:
        return self.name is not None


def _real(path) -> Path:
    return Path(os.path.realpath(path))


def order_target(path, set_dir=None, inputs=()) -> OrderTarget:
    """Check where the order can go, before any heavy work: its format (OrderFormatError), not
    a directory, not an input file, not a result file's name, and outside the set a directory
    that exists or can be made and takes files (OutputError, CLI exit 4)."""
    shown = str(path)
    order_format(path)
    path = Path(path)
    real = _real(path)
    if path.is_dir():
        raise OutputError("order.is_dir", {"path": shown})
    for given in inputs:
        if given and _real(given) == real:
            raise OutputError("order.is_input", {"path": shown})
    if set_dir is not None:
        root = _real(set_dir)
        if real == root:
            raise OutputError("order.is_dir", {"path": shown})
        if root in real.parents:
            name = real.relative_to(root).as_posix()
            if name in LEGACY_FILES or name == MANIFEST:
                raise OutputError("order.reserved", {"path": shown, "name": name})
            return OrderTarget(path, name)
    try:
        prepare_plain_dir(path.parent)
    except OutputError as exc:
        if exc.code in ("output.is_file", "output.under_a_file"):
            raise OutputError("order.under_a_file", {"path": shown}) from None
        raise
    return OrderTarget(path)


def write_alone(target: OrderTarget, data: bytes) -> Path:
    """An order outside any set, written atomically; OutputError when the disk says no."""
    try:
        atomic_write_bytes(target.path, data)
    except OSError as exc:
        raise OutputError("order.write_failed", {"path": str(target.path)}, exc) from None
    return target.path


def write_order(doc: dict, path, lang: str = "en", result_dir=None) -> Path:
    """Write the annex of result `doc` to `path` (.docx or .xlsx). Inside `result_dir` (a
    folder holding the run's output set) it joins that set and its manifest; elsewhere it is
    written atomically on its own. Raises OrderFormatError and OutputError."""
    target = order_target(path, result_dir)
    data = order_bytes(doc, path, lang)
    if target.in_set:
        return replace_in_set(result_dir, {target.name: data}) / target.name
    return write_alone(target, data)
