"""Speakers that are people: names in apposition, pronouns after a described person, gender from
the names resource (sentences and names written for these tests)."""

from __future__ import annotations

import pytest

from quotes.extraction import QuoteExtractor
from quotes.extraction.names import gender_of


def speakers_of(extractor: QuoteExtractor, text: str) -> list[str | None]:
    return [quote.speaker for quote in extractor.extract(text).quotes]


def test_a_ranked_name_in_apposition_speaks_for_the_next_he(extractor: QuoteExtractor) -> None:
    text = (
        "His commander, Lieutenant Colonel Andriy Kovalenko, was blunt. "
        "“We have no shells left for the guns,” he said."
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Andriy Kovalenko"]
    assert extraction.speakers["Andriy Kovalenko"].role == "Lieutenant Colonel"


def test_a_described_volunteer_named_in_apposition_speaks_for_she(extractor: QuoteExtractor) -> None:
    text = "A volunteer medic, Iryna Shevchuk, said she was tired. “I have not slept in three days,” she said."
    assert speakers_of(extractor, text) == ["Iryna Shevchuk", "Iryna Shevchuk"]


def test_he_after_a_sentence_about_a_man_is_not_the_woman_quoted_before(extractor: QuoteExtractor) -> None:
    text = (
        "“The convoy left before dawn and nobody stopped us,” Oksana Hrytsenko said. "
        "Her brother, Taras Melnyk, was more careful. “We were lucky the bridge held,” he said."
    )
    assert speakers_of(extractor, text) == ["Oksana Hrytsenko", "Taras Melnyk"]


def test_he_after_a_described_man_goes_to_him_even_when_the_earlier_speaker_is_of_unknown_gender(
    extractor: QuoteExtractor,
) -> None:
    text = (
        "“We counted every truck that crossed the river,” said Yevheniia Bondar. "
        "Her deputy, Major Mykola Savchuk, was blunt. “Half of them never came back,” he said."
    )
    assert speakers_of(extractor, text) == ["Yevheniia Bondar", "Mykola Savchuk"]


@pytest.mark.parametrize(("first_name", "gender"), [("Oksana", "f"), ("Taras", "m"), ("Xq", "")])
def test_gender_comes_from_the_names_resource(first_name: str, gender: str) -> None:
    assert gender_of(first_name, []) == gender


FERRY = (
    "Mr. Halvorsen arrived late. “The ferry will run again on Monday,” Mr. Halvorsen said. "
    "“We need more staff,” a senior port official said. “The schedule is final,” the network said. "
    "Dock workers gathered outside. “We will not accept it,” the workers said."
)


def test_the_engine_says_what_kind_of_speaker_each_is(extractor: QuoteExtractor) -> None:
    speakers = extractor.extract(FERRY).speakers
    kinds = {name: speaker.kind for name, speaker in speakers.items()}
    assert kinds == {
        "Halvorsen": "person",
        "a senior port official": "description",
        "the network": "organisation",
        "the workers": "group",
    }


def test_an_honorific_is_not_a_role(extractor: QuoteExtractor) -> None:
    assert extractor.extract(FERRY).speakers["Halvorsen"].role == ""


BRENNANS = (
    "Governor Walter P. Brennan signed the order on Friday. “This is the right call for the valley,” "
    "Walter Brennan said.\n\n"
    "His wife, Ellen Brennan, runs a clinic in the town. “We have waited long enough for clean water,” "
    "Ellen Brennan said.\n\n"
    "“The pipes will be replaced by spring,” Mr. Brennan told reporters. “Nobody will be left out,” Brennan added.\n\n"
    "“I believe him,” Ms. Brennan said."
)


def test_name_variants_are_one_person_and_namesakes_stay_two(extractor: QuoteExtractor) -> None:
    extraction = extractor.extract(BRENNANS)
    assert [quote.speaker for quote in extraction.quotes] == [
        "Walter P. Brennan",
        "Ellen Brennan",
        "Walter P. Brennan",  # 'Mr.' picks the man of the two Brennans
        "Walter P. Brennan",
        "Ellen Brennan",
    ]
    assert set(extraction.speakers) == {"Walter P. Brennan", "Ellen Brennan"}
    assert extraction.speakers["Walter P. Brennan"].role == "Governor"
    assert {"Walter Brennan", "Mr. Brennan"} <= set(extraction.speakers["Walter P. Brennan"].aliases)


def test_a_described_speaker_who_is_named_at_the_end_of_the_description_is_that_name(
    extractor: QuoteExtractor,
) -> None:
    text = (
        "The shelling stopped just before midnight. “We sleep in our boots because the next barrage always "
        "comes,” said a 31-year-old corporal who asked to be identified only by his call sign, Falcon."
    )
    extraction = extractor.extract(text)
    assert extraction.quotes[0].speaker == "Falcon"
    assert extraction.speakers["Falcon"].kind == "person"
    assert extraction.speakers["Falcon"].role == "a 31-year-old corporal"
