"""The reporting-verb lexicon (inflected from lemmas) and the masking of abbreviation stops."""

from __future__ import annotations

import pytest

from drugtrade.extract.abbreviations import MASK, mask_abbreviation_stops, unmask
from drugtrade.extract.reporting_verbs import FORMS, participle, past, third_person


@pytest.mark.parametrize(
    ("lemma", "third", "past_form", "ing"),
    [
        ("detail", "details", "detailed", "detailing"),
        ("say", "says", "said", "saying"),
        ("reply", "replies", "replied", "replying"),
        ("quip", "quips", "quipped", "quipping"),
        ("echo", "echoes", "echoed", "echoing"),
        ("argue", "argues", "argued", "arguing"),
        ("stress", "stresses", "stressed", "stressing"),
        ("write", "writes", "wrote", "writing"),
    ],
)
def test_inflections_follow_english_spelling(lemma: str, third: str, past_form: str, ing: str) -> None:
    assert (third_person(lemma), past(lemma), participle(lemma)) == (third, past_form, ing)


def test_the_lexicon_has_the_size_the_field_uses_and_keeps_verb_roles_apart() -> None:
    assert len(FORMS.finite) >= 300
    for form in ("told", "noted", "informed", "wrote", "explained", "remarked", "hailed", "argued", "warned",
                 "thanked", "pointed out", "posted", "detailed", "maintained", "stated", "explains"):  # fmt: skip
        assert form in FORMS.finite, form
    assert "pointed" not in FORMS.finite  # "pointed to a hill" reports nothing
    assert "adding" in FORMS.participles and "said" not in FORMS.participles
    assert "believes" in FORMS.opinion and "believes" not in FORMS.finite


def test_masking_keeps_offsets_and_only_masks_stops_inside_names() -> None:
    text = "Lt. Col. Ana Ruiz and U.S. Attorney John F. Kelly spoke. The port closed. Gen. Díaz left."
    masked = mask_abbreviation_stops(text)
    assert len(masked) == len(text)
    assert masked.count(MASK) == 6  # Lt. Col. U.S. (two) F. Gen.
    assert "spoke. The" in masked and "closed. Gen" in masked
    assert unmask(masked) == text
