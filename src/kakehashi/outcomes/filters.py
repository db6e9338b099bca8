"""The filters of the outcomes overview, written once: the API's query string and the
page's filter form both validate into :class:`OutcomeFilters`, which the selector applies."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup

from kakehashi.core.enums import Direction
from kakehashi.core.filters import Filters
from kakehashi.outcomes.enums import OutcomeKind
from kakehashi.projects.models import Project
from kakehashi.research_fields.models import ResearchField

#: Levels of the CRDC: division, group, class, field.
DEPTH = 4


class OutcomeFilters(Filters):
    kind: Annotated[OutcomeKind | None, FilterLookup("kind")] = None
    program: Annotated[str, FilterLookup("internship__program__slug")] = Field(
        "", description="The program's slug."
    )
    call: Annotated[str, FilterLookup("internship__project__call__slug")] = Field(
        "", description="The call's slug: the cohort."
    )
    direction: Annotated[Direction | None, FilterLookup("internship__direction")] = None
    field: str = Field(
        "",
        max_length=16,
        description="A CRDC 2020 research field's code (`RDF10`, `RDF101`, `RDF20-21`): "
        "outcomes of internships whose project has this field or one within it.",
    )

    def filter_field(self, value: str) -> Q:
        """A field matches itself and every field within it, by the tree (a division's
        code is not always its groups' prefix: RDF20-21 holds RDF201 and RDF211)."""
        within = Q(code=value)
        path = "code"
        for _level in range(1, DEPTH):
            path = f"parent__{path}"
            within |= Q(**{path: value})
        fields = ResearchField.objects.filter(within).values("pk")
        projects = Project.objects.filter(fields__in=fields).values("pk")
        return Q(internship__project__in=projects)
