from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.documents.enums import DocumentKind, MailLanguage


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class RefereeForm(forms.Form):
    name = forms.CharField(label=_("Referee's name"), max_length=200)
    email = forms.EmailField(label=_("Referee's e-mail"))
    language = forms.ChoiceField(label=_("Language of the mail"), choices=MailLanguage.choices)


class LetterForm(forms.Form):
    file = forms.FileField(
        label=_("Letter (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
