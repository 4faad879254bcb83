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


# Issue 12's patterns, in sentences written for these tests.


def test_a_rank_and_name_in_apposition_to_a_description_is_the_next_she(extractor: QuoteExtractor) -> None:
    text = "His deputy, Major Ann Cole, was calm. “We will hold the line until the relief column arrives,” she said."
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Ann Cole"]
    assert extraction.speakers["Ann Cole"].role == "Major"


def test_a_described_farmer_named_in_apposition_speaks_for_he(extractor: QuoteExtractor) -> None:
    text = "A local farmer, Tomas Reyes, said he was worried. “The river has never been this low in August,” he said."
    assert speakers_of(extractor, text) == ["Tomas Reyes", "Tomas Reyes"]


def test_a_lone_first_name_in_apposition_to_a_possessed_noun_is_a_person(extractor: QuoteExtractor) -> None:
    text = (
        "“Prices rose again this month,” said Julia Novak, an economist at the bank. Her husband, Marek, runs "
        "a bakery. “Flour costs twice what it did a year ago, and nobody buys cake now,” he said."
    )
    assert speakers_of(extractor, text) == ["Julia Novak", "Marek"]


def test_he_after_a_man_introduced_by_apposition_is_not_the_woman_before(extractor: QuoteExtractor) -> None:
    text = (
        "“The audit found nothing unusual,” said Carla Mendes, the treasurer. Her colleague, Victor Lund, "
        "disagreed. “The numbers simply do not add up for the second quarter,” he said."
    )
    assert speakers_of(extractor, text) == ["Carla Mendes", "Victor Lund"]


def test_he_after_a_sentence_whose_subject_is_a_named_man_goes_to_him(extractor: QuoteExtractor) -> None:
    text = (
        "“The vote was fair and the count was open to observers,” Maria Ortiz told reporters. Paul Wendt, the "
        "opposition leader, was not convinced. “We will ask the court for a full recount,” he said."
    )
    assert speakers_of(extractor, text) == ["Maria Ortiz", "Paul Wendt"]


def test_a_first_name_given_by_a_description_is_the_person_the_article_named(extractor: QuoteExtractor) -> None:
    text = (
        "Dana Whitfield has worked nights at the clinic for six years. “We ran out of bandages by midnight,” "
        "said a 40-year-old nurse who asked to be identified only by her first name, Dana."
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Dana Whitfield"]  # the request is no quote
    assert extraction.speakers["Dana Whitfield"].role == "a 40-year-old nurse"


def test_a_first_name_two_people_share_picks_neither_of_them(extractor: QuoteExtractor) -> None:
    text = (
        "Dana Whitfield and Dana Okafor both work nights at the clinic. “We ran out of bandages by midnight,” "
        "said a 40-year-old nurse who asked to be identified only by her first name, Dana."
    )
    assert speakers_of(extractor, text) == ["Dana"]


def test_a_surname_a_description_asks_to_be_used_is_the_speaker(extractor: QuoteExtractor) -> None:
    text = (
        "“We were told to wait at the gate for six hours,” said a 52-year-old miner who asked that only his "
        "surname, Petrov, be used."
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Petrov"]
    assert extraction.speakers["Petrov"].kind == "person"


def test_a_full_name_a_titled_surname_and_a_bare_surname_are_one_speaker(extractor: QuoteExtractor) -> None:
    text = (
        "Donald J. Trump spoke in Ohio on Monday. “We will win this state by a lot,” Mr. Trump said. "
        "“Nobody works harder than we do,” Trump added. Later, Donald Trump told a second crowd that the "
        "factories would come back."
    )
    extraction = extractor.extract(text)
    assert {quote.speaker for quote in extraction.quotes} == {"Donald J. Trump"}
    assert set(extraction.speakers) == {"Donald J. Trump"}
    assert extraction.speakers["Donald J. Trump"].role == ""  # 'Mr.' is no role


def test_a_full_name_as_a_subject_is_a_person_whose_surname_later_speaks(extractor: QuoteExtractor) -> None:
    text = (
        "Pedro Alves spoke briefly at the gate. “The camp will stay open,” Alves said. "
        "“Nobody is leaving. We have food for a month.”"
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Pedro Alves", "Pedro Alves"]
    assert extraction.speakers["Pedro Alves"].kind == "person"


def test_he_after_a_full_name_as_subject_goes_to_him(extractor: QuoteExtractor) -> None:
    text = (
        "“The water is safe to drink again,” said Ingrid Solberg, the mayor. Pedro Alves shook his head. "
        "“Three families on my street are still sick from it,” he said."
    )
    assert speakers_of(extractor, text) == ["Ingrid Solberg", "Pedro Alves"]


def test_a_name_the_names_resource_does_not_know_in_apposition_is_the_next_she(extractor: QuoteExtractor) -> None:
    text = (
        "One resident, Halyna Tkachenko, 67, said she would not leave. "
        "“This is my home and I will die here if I must,” she said."
    )
    assert speakers_of(extractor, text) == ["Halyna Tkachenko", "Halyna Tkachenko"]


def test_a_clergy_title_is_split_from_the_name_in_apposition(extractor: QuoteExtractor) -> None:
    text = (
        "The brigade's chaplain, Father Mykhailo Hnatiuk, was quiet for a while. "
        "“I buried four of them last week alone,” he said."
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Mykhailo Hnatiuk"]
    assert extraction.speakers["Mykhailo Hnatiuk"].role == "Father"


def test_a_call_sign_after_the_description_is_the_speaker_however_it_is_parsed(extractor: QuoteExtractor) -> None:
    text = (
        "“We sleep in the basement every night now,” said a 29-year-old sergeant who asked to be identified "
        "only by his call sign, Viking."
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Viking"]
    assert extraction.speakers["Viking"].kind == "person"


def test_a_call_sign_the_article_gave_a_named_person_is_that_person(extractor: QuoteExtractor) -> None:
    text = (
        "Sgt. Andrii Koval, who goes by the call sign Viking, commands a mortar crew. “We fire at night and "
        "move before dawn,” said the sergeant, who asked to be identified only by his call sign, Viking."
    )
    assert speakers_of(extractor, text) == ["Andrii Koval"]


def test_a_titled_description_is_the_person_the_article_gave_that_title(extractor: QuoteExtractor) -> None:
    text = (
        "Interior Minister Halvard Brekke toured the flooded valley on Tuesday. The rain had stopped. "
        "“Every family will be housed before winter,” the minister told reporters. "
        "Gov. Elsa Lindqvist stayed in the capital. “The budget is ready,” the governor said. "
        "Latvian Prime Minister Ivars Kalnins was blunter. “Nobody asked us,” the Latvian leader said."
    )
    extraction = extractor.extract(text)
    assert [quote.speaker for quote in extraction.quotes] == ["Halvard Brekke", "Elsa Lindqvist", "Ivars Kalnins"]
    assert extraction.speakers["Halvard Brekke"].kind == "person"


def test_a_titled_description_whose_words_no_named_role_carries_stays_a_description(
    extractor: QuoteExtractor,
) -> None:
    text = (
        "President Odile Marchetti opened the summit. "
        "“We will not sign,” the Finnish president said. “Maybe next year,” the former mayor said."
    )
    assert speakers_of(extractor, text) == ["the Finnish president", "the former mayor"]


def test_a_pronoun_after_a_described_subject_named_in_apposition_is_not_a_name_in_her_clause(
    extractor: QuoteExtractor,
) -> None:
    # the last subject in that sentence is Ms. Holt's, inside the clause hanging from the main verb
    text = (
        "One delegate, county treasurer Marit Solberg, urged the committee to let Ingrid Holt finish her term. "
        "“We need a calm end to this fight,” she said."
    )
    assert speakers_of(extractor, text)[-1] == "Marit Solberg"


def test_polnear_keeps_a_titled_description_as_its_source(polnear_extractor: QuoteExtractor) -> None:
    # PolNeAR annotates the description itself as the source
    text = (
        "Interior Minister Halvard Brekke toured the flooded valley on Tuesday. The rain had stopped. "
        "“Every family will be housed before winter,” the minister told reporters."
    )
    assert speakers_of(polnear_extractor, text) == ["the minister"]


def test_a_full_name_with_a_person_described_after_it_is_a_person(extractor: QuoteExtractor) -> None:
    text = (
        "According to Marta Nowak, a spokeswoman for the ministry, the delegation leaves on Friday. "
        "“It is too early to celebrate,” Nowak told reporters."
    )
    assert speakers_of(extractor, text) == ["Marta Nowak", "Marta Nowak"]


def test_the_statement_speaks_for_whoever_put_it_out(extractor: QuoteExtractor) -> None:
    text = (
        "The Danish transport ministry said in a statement that it had not been consulted. "
        "“Decisions about the bridge cannot be made without us,” the statement said. "
        "Senator Lena Moss issued a statement on Monday. “This deal rewards delay,” the statement read. "
        "“The pier is safe,” the report said."
    )
    assert speakers_of(extractor, text)[1:] == ["The Danish transport ministry", "Lena Moss", "the report"]


def test_polnear_keeps_the_statement_as_its_source(polnear_extractor: QuoteExtractor) -> None:
    text = "Senator Lena Moss issued a statement on Monday. “This deal rewards delay,” the statement read."
    assert speakers_of(polnear_extractor, text) == ["the statement"]


def test_one_of_a_group_named_in_apposition_is_that_person(extractor: QuoteExtractor) -> None:
    text = "One of the farmers, Pekka Rinne, 61, said the harvest would be the worst in a decade."
    assert speakers_of(extractor, text) == ["Pekka Rinne"]
