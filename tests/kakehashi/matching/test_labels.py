"""One name for every code of the engine: modes, reasons, warnings."""

from django.utils import translation

from kakehashi.matching.labels import (
    ENGINE_MODE_LABELS,
    FULL_REASONS,
    HOST_REASONS,
    MODE_SHORT_LABELS,
    REASON_CODES,
    REASONS,
)
from kakehashi.programs.policy import MATCH_MODES


def test_reason_codes_are_the_engines_in_order():
    assert REASON_CODES == (
        "not_ranked_by_host",
        "project_full",
        "supervisor_full",
        "organisation_full",
        "group_cap_reached",
        "blocking_pair",
        "balance",
        "lower_priority",
    )


def test_reasons_every_code_has_a_label():
    assert tuple(REASONS) == REASON_CODES
    assert set(REASON_CODES) >= HOST_REASONS
    assert set(REASON_CODES) >= FULL_REASONS


def test_modes_every_policy_mode_has_both_names():
    assert set(MATCH_MODES) <= set(ENGINE_MODE_LABELS)
    assert set(ENGINE_MODE_LABELS) == set(MODE_SHORT_LABELS)


def test_labels_are_translated_when_read():
    with translation.override("fr"):
        assert str(MODE_SHORT_LABELS["student"]) == "Proposition par les candidats"
    with translation.override("en"):
        assert str(MODE_SHORT_LABELS["student"]) == "Student-proposing"
