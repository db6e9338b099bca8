"""What an uploaded PDF must be, checked on its content, never its name or declared type."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: Where a PDF's end-of-file marker may sit: some writers add a few bytes after it.
EOF_WINDOW = 1024


def pdf_check(upload) -> None:
    """Refuse a file that is empty, larger than KAKEHASHI_UPLOAD_MAX_BYTES, or not a PDF
    (it must start with ``%PDF-`` and end with ``%%EOF``)."""
    limit = settings.UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, size - EOF_WINDOW))
    tail = upload.read(EOF_WINDOW)
    upload.seek(0)
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
