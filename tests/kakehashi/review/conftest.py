import pytest

from kakehashi.people.models import Affiliation
from kakehashi.review.models import ReviewerProfile, ReviewForm
from tests import factories
from tests.kakehashi.recommendations.fakes import COUNTING

CHAR_ENCODER = "tests.kakehashi.recommendations.fakes.counting_encoder"

CRITERIA = [
    {
        "key": "merit",
        "min": 1,
        "max": 5,
        "label": {"en": "Scientific merit", "fr": "Mérite scientifique", "ja": "学術的価値"},
        "guidance": {"en": "Is the question worth asking?", "fr": "", "ja": ""},
    },
    {
        "key": "feasibility",
        "min": 1,
        "max": 5,
        "label": {"en": "Feasibility", "fr": "Faisabilité", "ja": "実現可能性"},
    },
]


@pytest.fixture(autouse=True)
def _embedding_cache(settings, tmp_path):
    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "embeddings")
    settings.RECOMMENDATIONS_ENCODER = CHAR_ENCODER
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    COUNTING.encoded.clear()


def reviewer(username, *, languages=("en", "ja"), organisation=None, max_load=3, **names):
    user = factories.UserFactory(username=username, is_reviewer=True, **names)
    ReviewerProfile.objects.create(
        user=user,
        expertise=names.pop("expertise", f"{username} expertise in brain-computer interfaces"),
        languages=list(languages),
        organisation=organisation,
        max_load=max_load,
    )
    return user


@pytest.fixture
def world(db):
    """A call with three submitted projects and five reviewers:

    - p1 at Kyoto Hospital (child of Kyoto University), supervised by Morimoto Takuya
      (Latin script only);
    - p2 in English with a Japanese translation, at Tokyo Institute, supervised by
      Olivia Grant, who also co-supervises an older project with `r_co`;
    - p3 at Osaka Lab, supervised by `sup3`.
    Reviewers: `r_kanji` (森本拓也, kanji only: the same name as p1's supervisor),
    `r_parent` (at Kyoto University: p1's host's parent), `r_co`, `r_ja` (reads only
    Japanese), `r_en`."""
    call = factories.CallFactory(slug="rev-call")
    form = ReviewForm.objects.create(program=call.program, name="Standard", criteria=CRITERIA)
    kyoto = factories.OrganisationFactory(name="Kyoto University")
    hospital = factories.OrganisationFactory(name="Kyoto Hospital", parent=kyoto)
    tokyo = factories.OrganisationFactory(name="Tokyo Institute")
    osaka = factories.OrganisationFactory(name="Osaka Lab")
    morimoto = factories.UserFactory(
        username="morimoto", family_name="Morimoto", given_name="Takuya"
    )
    Affiliation.objects.create(person=morimoto, organisation=hospital, role="supervisor")
    grant = factories.UserFactory(username="grant", family_name="Grant", given_name="Olivia")
    sup3 = factories.UserFactory(username="sup3", family_name="Suzuki", given_name="Hana")
    p1 = factories.ProjectFactory(
        call=call, host=hospital, supervisor=morimoto, status="submitted", key="p1"
    )
    p2 = factories.ProjectFactory(
        call=call,
        host=tokyo,
        supervisor=grant,
        status="submitted",
        key="p2",
        language="en",
        title="Decoding EEG for brain-computer interfaces",
        summary="Reading intentions from EEG.",
        description="A project on EEG decoding.",
        translations={"ja": {"title": "脳波デコーディング", "summary": "脳波から意図を読む。"}},
    )
    p3 = factories.ProjectFactory(
        call=call, host=osaka, supervisor=sup3, status="submitted", key="p3"
    )
    r_co = reviewer("r_co", family_name="Tremblay", given_name="Luc")
    old = factories.ProjectFactory(host=tokyo, supervisor=grant, key="old")
    old.supervisions.create(person=r_co, role="academic", order=1)
    return {
        "call": call,
        "form": form,
        "orgs": {"kyoto": kyoto, "hospital": hospital, "tokyo": tokyo, "osaka": osaka},
        "projects": [p1, p2, p3],
        "supervisors": {"morimoto": morimoto, "grant": grant, "sup3": sup3},
        "r_kanji": reviewer(
            "r_kanji",
            family_name="",
            given_name="",
            family_name_kanji="森本",
            given_name_kanji="拓也",
        ),
        "r_parent": reviewer("r_parent", organisation=kyoto, family_name="Roy", given_name="Ann"),
        "r_co": r_co,
        "r_ja": reviewer("r_ja", languages=("ja",), family_name="Abe", given_name="Jun"),
        "r_en": reviewer("r_en", languages=("en",), family_name="Smith", given_name="Kim"),
        "officer": factories.OfficerFactory(username="off"),
        "candidate": factories.candidate(user__username="cand"),
    }
