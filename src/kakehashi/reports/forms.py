"""The form a respondent fills in, built from the program's questions in their language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.reports.enums import QuestionType

SCALE = [(str(k), str(k)) for k in range(1, 6)]


def answers_form(form, data=None, initial=None):
    fields = {}
    for q in form.questions.all():
        label, required = q.text, False  # required is checked on submission, not on drafts
        if q.type == QuestionType.SCALE:
            field = forms.ChoiceField(
                label=label, choices=SCALE, widget=forms.RadioSelect, required=required,
                help_text=_("1: not at all · 5: very much"),
            )  # fmt: skip
        elif q.type == QuestionType.CHOICE:
            field = forms.ChoiceField(
                label=label, choices=[(c["value"], q.choice_label(c["value"])) for c in q.choices],
                widget=forms.RadioSelect, required=required,
            )  # fmt: skip
        elif q.type == QuestionType.LONG_TEXT:
            field = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 6}), required=required,
                max_length=limits.LONG_TEXT,
            )  # fmt: skip
        else:
            field = forms.CharField(label=label, required=required, max_length=limits.LINE)
        fields[q.key] = field
    cls = type("AnswersForm", (forms.Form,), fields)
    return cls(data=data, initial=initial)
