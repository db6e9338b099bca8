from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.organisations.models import Organisation
from kakehashi.research_fields.models import ResearchField
from kakehashi.review.enums import AssignmentMode, ProposalKind

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("ja", _("Japanese"))]


class ProfileForm(forms.Form):
    expertise = forms.CharField(
        label=_("Expertise (any language)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.SHORT_TEXT,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you read"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    fields = forms.ModelMultipleChoiceField(
        label=_("Research fields"),
        queryset=ResearchField.objects.filter(level=4).order_by("code"),
        required=False,
    )
    max_load = forms.IntegerField(label=_("Most proposals"), min_value=0, max_value=100)
    min_load = forms.IntegerField(label=_("Fewest proposals"), min_value=0, max_value=100)


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is reviewed"), choices=ProposalKind.choices)
    form = forms.ModelChoiceField(label=_("Review form"), queryset=None)
    reviewers_per_proposal = forms.IntegerField(
        label=_("Reviewers per proposal"), min_value=1, max_value=10, initial=2
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = program.review_forms.order_by("name")


class RunForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=AssignmentMode.choices)
    seed = forms.IntegerField(label=_("Seed"), min_value=0, initial=0, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("revise", _("Revise")), ("reject", _("Reject"))],
    )
    note = forms.CharField(
        label=_("Note to the authors"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.TEXT,
        required=False,
    )


class DueForm(forms.Form):
    """When reviews are due, in the call's time zone (the view makes it aware)."""

    reviews_due_at = forms.DateTimeField(
        label=_("Reviews due (the call's time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        required=False,
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why they are not the same person"), max_length=limits.LINE, required=True
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.TEXT,
    )
