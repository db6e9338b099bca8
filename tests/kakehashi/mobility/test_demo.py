from io import StringIO

import pytest
from django.core.management import call_command

from kakehashi.mobility.models import RulePack
from kakehashi.people.models import CandidateProfile


@pytest.mark.django_db
def test_the_demo_imports_the_packs_and_gives_candidates_a_nationality():
    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "rule packs: 2" in out.getvalue()
    assert sorted(RulePack.objects.values_list("country", "version")) == [("CA", 2), ("JP", 2)]
    nationalities = dict(
        CandidateProfile.objects.filter(
            user__username__in=["candidate", "candidate-ja", "candidate-fr"]
        ).values_list("user__username", "nationality")
    )
    assert nationalities == {"candidate": "CA", "candidate-ja": "JP", "candidate-fr": "FR"}
    assert not CandidateProfile.objects.filter(nationality="").exists()
