"""How other records name the program they belong to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def program_field(*, related_name: str, on_delete=models.PROTECT):
    """A link to the program a record belongs to (its funding rules, budgets, templates,
    forms): protected by default, so a program in use is never deleted under them."""
    return models.ForeignKey(
        "programs.Program",
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=_("program"),
    )
