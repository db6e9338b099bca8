"""Files funding gives out: an invoice as PDF (in the partner's language), budgets as
CSV and XLSX.

The PDF is drawn by fpdf2 (pure Python) with the IPA Gothic font of Debian's
``fonts-ipafont-gothic`` package, which holds Latin, accented and Japanese characters
alike; without it the PDF is refused with a message (the printable page still works).
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from kakehashi.core.imports import write_csv
from kakehashi.funding.money import format_money

#: The TrueType font of the PDFs (``KAKEHASHI_PDF_FONT`` overrides it).
DEFAULT_FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"

BUDGET_COLUMNS = [
    "funder",
    "program",
    "direction",
    "fiscal_year",
    "currency",
    "budget",
    "committed",
    "invoiced",
    "paid",
    "remaining",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def font_path() -> Path:
    return Path(getattr(settings, "KAKEHASHI_PDF_FONT", "") or DEFAULT_FONT)


def invoice_document(invoice) -> dict:
    """What an invoice says, in its language: the printable page and the PDF share it."""
    with translation.override(invoice.language):
        internship = invoice.internship
        intern = internship.intern
        credit = invoice.amount < 0
        rows = [
            (
                _("Partner contribution to the internship of %(intern)s at %(host)s")
                % {
                    "intern": intern.display_name_ja
                    if invoice.language == "ja"
                    else intern.display_name,
                    "host": internship.host.shown()[0],
                },
                format_money(invoice.original_amount, invoice.original_currency),
            )
        ]
        conversion = ""
        if invoice.rate_id:
            conversion = _(
                "Converted from %(original)s at %(series)s %(rate)s of %(date)s (Bank of "
                "Canada); the original amount is the one committed."
            ) % {
                "original": format_money(invoice.original_amount, invoice.original_currency),
                "series": invoice.rate.series,
                "rate": invoice.rate.value.normalize(),
                "date": invoice.rate.date.isoformat(),
            }
        return {
            "language": invoice.language,
            "title": _("Credit note") if credit else _("Invoice"),
            "number": invoice.number,
            "labels": {
                "number": _("Number"),
                "issued": _("Issued on"),
                "from": _("From"),
                "to": _("To"),
                "period": _("Internship"),
                "total": _("Total due") if not credit else _("Total credited"),
                "fiscal_year": _("Fiscal year"),
            },
            "issued_on": invoice.issued_on.isoformat(),
            "fiscal_year": _("FY%(year)d (April %(year)d – March %(next)d)")
            % {"year": invoice.fiscal_year, "next": invoice.fiscal_year + 1},
            "funder": invoice.funder.name,
            "partner": invoice.partner.shown()[0],
            "period": f"{internship.start_date.isoformat()} – {internship.last_day.isoformat()}",
            "rows": rows,
            "conversion": conversion,
            "credits": (
                _("Credits invoice %(number)s.") % {"number": invoice.credits.number}
                if invoice.credits_id
                else ""
            ),
            "total": format_money(invoice.amount, invoice.currency),
        }


def invoice_pdf(invoice) -> bytes:
    """The invoice as a one-page PDF."""
    # fpdf2 (and Pillow under it) load only when a PDF is asked for.
    from fpdf import FPDF

    font = font_path()
    if not font.is_file():
        raise ValidationError(
            _(
                "The PDF needs the IPA Gothic font (Debian package fonts-ipafont-gothic), "
                "which is not installed here; print the invoice's page instead."
            ),
            code="no_font",
        )
    doc = invoice_document(invoice)
    pdf = FPDF(format="A4")
    pdf.set_title(f"{doc['title']} {doc['number']}")
    pdf.add_page()
    pdf.add_font("IPAGothic", fname=str(font))
    pdf.set_font("IPAGothic", size=18)
    pdf.cell(0, 12, f"{doc['title']} {doc['number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("IPAGothic", size=11)
    labels = doc["labels"]
    for label, value in (
        (labels["issued"], doc["issued_on"]),
        (labels["fiscal_year"], doc["fiscal_year"]),
        (labels["from"], doc["funder"]),
        (labels["to"], doc["partner"]),
        (labels["period"], doc["period"]),
    ):
        pdf.cell(45, 8, label)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for text, amount in doc["rows"]:
        pdf.multi_cell(130, 8, text, new_x="RIGHT", new_y="TOP")
        pdf.cell(0, 8, amount, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if doc["conversion"]:
        pdf.set_font("IPAGothic", size=9)
        pdf.multi_cell(0, 6, doc["conversion"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("IPAGothic", size=11)
    if doc["credits"]:
        pdf.multi_cell(0, 8, doc["credits"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("IPAGothic", size=14)
    pdf.cell(130, 10, labels["total"])
    pdf.cell(0, 10, doc["total"], align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def invoice_pdf_response(invoice) -> HttpResponse:
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


def budget_rows(report) -> list[dict]:
    return [{k: ("" if v is None else v) for k, v in r.as_data().items()} for r in report]


def budget_xlsx(report) -> bytes:
    # openpyxl loads only when a spreadsheet is asked for.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "budgets"
    sheet.append(BUDGET_COLUMNS)
    for row in budget_rows(report):
        sheet.append(
            [
                Decimal(row[c])
                if c in ("budget", "committed", "invoiced", "paid", "remaining") and row[c] != ""
                else row[c]
                for c in BUDGET_COLUMNS
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def budget_export_response(report, format: str) -> HttpResponse:
    if format == "xlsx":
        response = HttpResponse(budget_xlsx(report), content_type=XLSX)
    else:
        response = HttpResponse(
            write_csv(budget_rows(report), BUDGET_COLUMNS), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="budgets.{format}"'
    return response
