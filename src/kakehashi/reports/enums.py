from django.db import models
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")
    EXIT_SURVEY = "exit_survey", _("Exit survey")


class Respondent(models.TextChoices):
    INTERN = "intern", _("Intern")
    HOST_SUPERVISOR = "host_supervisor", _("Host supervisor")
    HOME_SUPERVISOR = "home_supervisor", _("Home supervisor")


class Anchor(models.TextChoices):
    START = "start", _("after the start")
    END = "end", _("after the end")


class QuestionType(models.TextChoices):
    TEXT = "text", _("Short answer")
    LONG_TEXT = "long_text", _("Long answer")
    SCALE = "scale", _("Scale of 1 to 5")
    CHOICE = "choice", _("One choice")
