import pytest

from kakehashi.jobs.enums import JobStatus
from kakehashi.jobs.models import Job
from kakehashi.people.services import candidate_profile_set
from kakehashi.projects.services import project_update
from kakehashi.recommendations.embedding import embedding_cache, encoder, project_text
from kakehashi.recommendations.selectors import RelatedField, match_strength, recommended_projects
from kakehashi.recommendations.services import (
    REFRESH,
    embeddings_export,
    embeddings_refresh,
    embeddings_seed,
    texts_to_embed,
)
from kakehashi.research_fields.models import ResearchField
from kakehashi_semantic import content_key
from tests import factories
from tests.kakehashi.recommendations.fakes import COUNTING

pytestmark = pytest.mark.django_db


def test_refresh_encodes_every_text_once_then_nothing(project, candidate_user):
    first = embeddings_refresh()
    encoded = list(COUNTING.encoded)
    COUNTING.encoded.clear()

    second = embeddings_refresh()

    assert sorted(encoded) == sorted(texts_to_embed())
    assert first == {"texts": len(encoded), "encoded": len(encoded)}
    assert second == {"texts": len(encoded), "encoded": 0}
    assert COUNTING.encoded == []


def test_project_text_change_reembeds_exactly_that_text(
    project, candidate_user, refreshed, django_capture_on_commit_callbacks
):
    refreshed()

    with django_capture_on_commit_callbacks(execute=True):
        project_update(project=project, description="Un tout nouveau paragraphe.")

    project.refresh_from_db()
    assert sorted(COUNTING.encoded) == sorted(
        [project_text(project), "Un tout nouveau paragraphe."]
    )
    job = Job.objects.get(kind=REFRESH)
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.SUCCEEDED, 2, 2)
    assert job.result["encoded"] == 2


def test_unchanged_text_is_not_reencoded(
    project, candidate_user, refreshed, django_capture_on_commit_callbacks
):
    refreshed()
    profile = candidate_user.candidate_profile

    with django_capture_on_commit_callbacks(execute=True):
        candidate_profile_set(
            user=candidate_user,
            research_interests=profile.research_interests,
            fields=list(profile.fields.all()),
        )

    assert COUNTING.encoded == []
    assert Job.objects.get(kind=REFRESH).result["encoded"] == 0


def test_profile_text_change_queues_refresh_on_commit(
    candidate_user, refreshed, django_capture_on_commit_callbacks
):
    refreshed()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        candidate_profile_set(user=candidate_user, research_interests="Robotique sous-marine.")

    assert len(callbacks) == 1
    assert not Job.objects.exists()  # nothing before the commit


def test_export_then_seed_adds_only_missing_vectors(project, tmp_path, settings):
    embeddings_refresh()
    key = content_key(encoder().model_id, "passage", project_text(project))
    path = tmp_path / "fixture.npz"
    assert embeddings_export(keys=[key, "0" * 64], cache=embedding_cache(), path=path) == 1
    assert embeddings_seed(path=path) == 0  # already cached

    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "fresh")
    assert embeddings_seed(path=path) == 1
    assert list(embedding_cache().get_many([key])) == [key]
    assert embeddings_seed(path=tmp_path / "missing.npz") == 0


def test_explanation_exact_values_on_a_small_case(call, candidate_user):
    eeg = ResearchField.objects.get(code="RDF2020101")
    profile = candidate_user.candidate_profile
    profile.research_interests = "I decode EEG signals. I also enjoy hiking."
    profile.skills = ["Python", "EEG"]
    profile.save()
    profile.fields.set([eeg])
    project = factories.ProjectFactory(
        call=call,
        language="en",
        title="Decoding EEG signals in real time",
        summary="",
        description="The lab is in Kyoto.",
        skills=["python", "eeg", "matlab"],
    )
    project.fields.set([eeg])

    [row] = recommended_projects(user=candidate_user, k=5)

    e = row.explanation
    assert row.project == project
    assert e.fields == (eeg,)
    assert e.skills == ("eeg", "python")
    assert (e.source_sentence, e.target_sentence) == (
        "I decode EEG signals.",
        "Decoding EEG signals in real time",
    )
    assert (e.source_lang, e.target_lang) == ("en", "en")


def test_ineligible_projects_are_never_recommended(call, candidate_user):
    # The candidate goes Canada → Japan: a Canadian host is filtered out before ranking.
    canadian = factories.CanadianOrganisationFactory()
    factories.ProjectFactory(call=call, host=canadian)
    draft = factories.ProjectFactory(call=call, status="draft")

    assert recommended_projects(user=candidate_user, k=10) == []
    assert draft.status == "draft"


def test_refresh_embeds_project_titles_for_the_search_box(project):
    texts = texts_to_embed()

    assert project.title.strip() in texts
    assert project_text(project) in texts


def test_a_related_field_is_shown_as_related_never_as_matching(call, candidate_user):
    mine = ResearchField.objects.get(code="RDF2020101")
    sibling = ResearchField.objects.get(code="RDF2020102")
    parent = ResearchField.objects.get(code="RDF20201")
    profile = candidate_user.candidate_profile
    profile.research_interests = "I decode EEG signals."
    profile.save()
    profile.fields.set([mine])
    project = factories.ProjectFactory(
        call=call, language="en", title="Decoding EEG signals", summary="", description=""
    )
    project.fields.set([sibling])

    [row] = recommended_projects(user=candidate_user, k=5)

    e = row.explanation
    assert e.fields == ()
    assert e.related == (RelatedField(mine, sibling, parent),)


def test_the_same_field_is_matching(call, candidate_user):
    mine = ResearchField.objects.get(code="RDF2020101")
    sibling = ResearchField.objects.get(code="RDF2020102")
    profile = candidate_user.candidate_profile
    profile.fields.set([mine, sibling])
    project = factories.ProjectFactory(call=call, language="en", title="EEG", description="")
    project.fields.set([mine])

    [row] = recommended_projects(user=candidate_user, k=5)

    assert row.explanation.fields == (mine,)
    # the candidate's sibling field is related to the project's, through their parent
    assert [(r.field, r.other) for r in row.explanation.related] == [(sibling, mine)]


@pytest.mark.parametrize(
    ("score", "strength"),
    [
        (0.0, "weak"),
        (0.249, "weak"),
        (0.25, "good"),
        (0.399, "good"),
        (0.4, "strong"),
        (1.0, "strong"),
    ],
)
def test_scores_are_shown_on_a_readable_scale(score, strength):
    assert match_strength(score) == strength
