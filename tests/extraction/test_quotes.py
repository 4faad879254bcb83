"""Span finding and attribution, one phenomenon per test (sentences written for these tests)."""

from __future__ import annotations

from quotes.extraction import Extraction, Quote, QuoteExtractor


def only(extraction: Extraction, fragment: str) -> Quote:
    matches = [quote for quote in extraction.quotes if fragment in quote.text]
    assert len(matches) == 1, [quote.text for quote in extraction.quotes]
    return matches[0]


def test_direct_quote_with_trailing_cue(extractor: QuoteExtractor) -> None:
    text = "“The harbour will reopen next spring,” Mayor Helena Brandt said on Friday."
    quote = only(extractor.extract(text), "harbour")
    assert quote.direct
    assert quote.cue == "said"
    assert quote.speaker == "Helena Brandt"
    assert text[quote.start : quote.end] == quote.text


def test_inverted_cue_names_the_speaker(extractor: QuoteExtractor) -> None:
    text = "“We are not leaving,” said Tomas Okafor, a union organiser at the plant."
    assert only(extractor.extract(text), "leaving").speaker == "Tomas Okafor"


def test_cue_before_a_colon(extractor: QuoteExtractor) -> None:
    text = "Finance Minister Ingrid Solberg told lawmakers: “The deficit will shrink this year.”"
    assert only(extractor.extract(text), "deficit").speaker == "Ingrid Solberg"


def test_pronoun_resolves_to_the_previous_person(extractor: QuoteExtractor) -> None:
    text = (
        "Senator Maria Lopez visited the flooded valley on Monday.\n"
        "“Nobody here should have to wait for help,” she said."
    )
    quote = only(extractor.extract(text), "Nobody")
    assert quote.speaker == "Maria Lopez"
    assert quote.speaker_mention == "she"


def test_pronoun_skips_a_person_of_the_other_gender(extractor: QuoteExtractor) -> None:
    text = "Governor James Whitfield met Maria Lopez in the capital.\n“I expect an answer by Friday,” she said."
    assert only(extractor.extract(text), "answer").speaker == "Maria Lopez"


def test_surname_links_to_the_full_name(extractor: QuoteExtractor) -> None:
    text = "Foreign Minister Anders Kjeldsen arrived in Geneva on Tuesday.\n“Talks will continue,” Kjeldsen said."
    extraction = extractor.extract(text)
    assert only(extraction, "Talks").speaker == "Anders Kjeldsen"
    speaker = extraction.speakers["Anders Kjeldsen"]
    assert speaker.role == "Foreign Minister"
    assert "Kjeldsen" in speaker.aliases


def test_apposition_gives_the_role(extractor: QuoteExtractor) -> None:
    text = "Pieter Claes, the city's chief engineer, said the tunnel was safe."
    extraction = extractor.extract(text)
    quote = only(extraction, "tunnel")
    assert not quote.direct
    assert quote.speaker == "Pieter Claes"
    assert extraction.speakers["Pieter Claes"].role == "the city's chief engineer"


def test_indirect_speech_with_that_clause(extractor: QuoteExtractor) -> None:
    text = "Prime Minister Lena Moreau announced that the border would stay open through the winter."
    quote = only(extractor.extract(text), "border")
    assert not quote.direct
    assert quote.text == "the border would stay open through the winter"
    assert quote.speaker == "Lena Moreau"


def test_according_to_attributes_the_clause(extractor: QuoteExtractor) -> None:
    text = "The factory will close in March, according to the regional labour office."
    quote = only(extractor.extract(text), "factory")
    assert quote.cue == "according to"
    assert quote.speaker == "the regional labour office"


def test_organisation_as_speaker(extractor: QuoteExtractor) -> None:
    text = "The Foreign Ministry said the ambassador had been recalled for consultations."
    extraction = extractor.extract(text)
    quote = only(extraction, "ambassador")
    assert quote.speaker == "The Foreign Ministry"
    assert not extraction.speakers["The Foreign Ministry"].is_person


def test_nominal_speaker_is_kept_as_written_with_low_confidence(extractor: QuoteExtractor) -> None:
    text = "A senior European diplomat said the sanctions would be extended."
    quote = only(extractor.extract(text), "sanctions")
    assert quote.speaker == "A senior European diplomat"
    assert quote.confidence < 0.7


def test_split_quote_in_newsdesk_convention_gives_two_quotes(extractor: QuoteExtractor) -> None:
    text = "“The rail line is ready,” Ola Nordmann said. “Trains will run from June.”"
    extraction = extractor.extract(text)
    first, second = only(extraction, "rail"), only(extraction, "Trains")
    assert first.speaker == second.speaker == "Ola Nordmann"
    assert second.confidence <= first.confidence  # carried over, not cued


def test_split_quote_in_polnear_convention_is_one_quote(polnear_extractor: QuoteExtractor) -> None:
    text = "“The rail line is ready,” Ola Nordmann said. “Trains will run from June.”"
    quote = only(polnear_extractor.extract(text), "rail")
    assert len(quote.spans) == 2
    assert "Trains" in text[quote.spans[1][0] : quote.spans[1][1]]


def test_continuation_paragraph_keeps_the_speaker(extractor: QuoteExtractor) -> None:
    text = (
        "“We have counted every ballot twice,” election chief Marta Kowal said.\n"
        "“There will be no third count, and the result stands as announced this morning.”"
    )
    assert only(extractor.extract(text), "third count").speaker == "Marta Kowal"


def test_partial_quote_inside_reported_speech(extractor: QuoteExtractor) -> None:
    text = "Chancellor Erik Lund said the proposal was “dead on arrival” in its current form."
    extraction = extractor.extract(text)
    quote = only(extraction, "dead on arrival")
    assert quote.direct
    assert quote.text == "“dead on arrival”"
    assert quote.speaker == "Erik Lund"


def test_partial_quote_in_polnear_convention_keeps_the_clause(polnear_extractor: QuoteExtractor) -> None:
    text = "Chancellor Erik Lund said the proposal was “dead on arrival” in its current form."
    quote = only(polnear_extractor.extract(text), "dead on arrival")
    assert quote.direct
    assert quote.text.startswith("the proposal was")


def test_scare_quotes_without_a_cue_are_not_quotes(extractor: QuoteExtractor) -> None:
    text = "The so-called “green corridor” opened to traffic on Sunday."
    assert extractor.extract(text).quotes == []


def test_quotes_are_sorted_and_offsets_match(extractor: QuoteExtractor) -> None:
    text = (
        "“Prices are falling,” said economist Rana Haddad.\n"
        "Central banker Olu Bello warned that inflation could return. “We stay alert,” he said."
    )
    extraction = extractor.extract(text)
    starts = [quote.start for quote in extraction.quotes]
    assert starts == sorted(starts)
    for quote in extraction.quotes:
        assert text[quote.start : quote.end] == quote.text
        assert quote.speaker is None or quote.speaker in extraction.speakers


def test_nominal_speaker_keeps_its_identifying_modifier(polnear_extractor: QuoteExtractor) -> None:
    text = "“The bridge will stay closed until March,” a spokesman for the Harbour Authority said on Tuesday."
    quote = only(polnear_extractor.extract(text), "bridge")
    assert quote.speaker == "a spokesman for the Harbour Authority"


def test_short_uncued_quote_in_an_object_joins_its_clause(polnear_extractor: QuoteExtractor) -> None:
    text = 'Senator Maria Lund has repeatedly pointed to the ferry contract as proof of a "rigged and wasteful system."'
    quote = only(polnear_extractor.extract(text), "ferry contract")
    assert quote.direct
    assert quote.speaker == "Maria Lund"
    assert "rigged and wasteful" in quote.text


def test_pronoun_after_a_quote_goes_to_the_speaker_before_it(extractor: QuoteExtractor) -> None:
    text = (
        "“The port needs new cranes,” said Harold Finch.\n\n"
        "“We have waited ten years,” he added, after Paul Reese joined the meeting."
    )
    quote = only(extractor.extract(text), "ten years")
    assert quote.speaker == "Harold Finch"


def test_polnear_reported_content_keeps_its_complementizer(polnear_extractor: QuoteExtractor) -> None:
    text = "Mayor Helena Brandt said on Friday that the harbour would reopen next spring."
    quote = only(polnear_extractor.extract(text), "harbour")
    assert quote.text == "that the harbour would reopen next spring"


def test_cue_tagged_as_participle_with_a_subject_still_counts(polnear_extractor: QuoteExtractor) -> None:
    # small taggers often read "X posted on Sunday" as a participle; the subject shows it is a finite verb
    text = "“The bridge is safe,” Quist posted on Sunday."
    quote = only(polnear_extractor.extract(text), "bridge")
    assert quote.speaker == "Quist"


def test_polnear_quote_finishing_a_clause_takes_the_clause_start(polnear_extractor: QuoteExtractor) -> None:
    text = "The council “has failed every family that lives on this side of the river,” Ida Marsh said."
    quote = only(polnear_extractor.extract(text), "every family")
    assert quote.text.startswith("The council “has failed")
    assert quote.speaker == "Ida Marsh"


def test_polnear_reported_clause_takes_a_quote_it_only_partly_covers(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "“They were exhausted. They had nothing left. The season was too long” for a team "
        "with so many players still in school, coach Nina Berg said."
    )
    quote = only(polnear_extractor.extract(text), "exhausted")
    assert quote.text.startswith("“They were exhausted.")
    assert quote.text.endswith("still in school")


def test_dash_after_a_quote_names_its_speaker(extractor: QuoteExtractor) -> None:
    text = (
        "Readers wrote in about the new tram line.\n\n"
        "“It saves me twenty minutes every morning and the drivers are friendly.” ― Tilda Vance\n"
        "“The stops are too far apart for older riders like my mother.”\n- Bruno Keller."
    )
    extraction = extractor.extract(text)
    assert only(extraction, "twenty minutes").speaker == "Tilda Vance"
    assert only(extraction, "too far apart").speaker == "Bruno Keller"


def test_closing_mark_typed_at_the_start_of_a_quote_opens_it(polnear_extractor: QuoteExtractor) -> None:
    text = "Letters.\n\n”The tram is late every single day this winter.” ― Tilda Vance"
    quote = only(polnear_extractor.extract(text), "tram is late")
    assert quote.text.startswith("”The tram")
    assert quote.speaker == "Tilda Vance"


def test_documents_read_and_crowds_chant(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "“The council has ignored the river for a decade,” the petition reads.\n\n"
        "Outside the hall, dozens of fishermen chanted “Save our river now!” until dusk."
    )
    extraction = polnear_extractor.extract(text)
    assert only(extraction, "ignored the river").cue == "reads"
    assert only(extraction, "Save our river").cue == "chanted"


def test_polnear_mixed_quote_leaves_out_the_writers_tail(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "Mayor Helena Brandt said the ferry contract was “a bad deal for the island,” "
        "citing a report that the writers of the budget had ignored."
    )
    quote = only(polnear_extractor.extract(text), "bad deal")
    assert quote.text == "the ferry contract was “a bad deal for the island,”"


def test_polnear_mixed_quote_stops_before_a_relative_clause_after_the_quote(polnear_extractor: QuoteExtractor) -> None:
    text = "Ida Marsh said the vote was “a turning point” in Northfield, where the plant closed last year."
    quote = only(polnear_extractor.extract(text), "turning point")
    assert quote.text.endswith("in Northfield")


def test_reported_content_stays_in_its_paragraph(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "Mayor Ida Marsh said the council had been told to expect delays\n\n"
        "“We will fight this all the way to the state court,” she said on Monday."
    )
    extraction = polnear_extractor.extract(text)
    assert all("\n" not in quote.text for quote in extraction.quotes)
    assert only(extraction, "state court").speaker == "Ida Marsh"


def test_polnear_quote_under_an_inner_cue_is_not_the_outer_verbs(polnear_extractor: QuoteExtractor) -> None:
    text = "Mayor Ida Marsh praised the harbour workers for their effort, calling the repair “a small miracle.”"
    quote = only(polnear_extractor.extract(text), "small miracle")
    assert "praised" not in quote.text and "effort" not in quote.text


def test_short_exclamation_takes_the_cue_right_after_it(polnear_extractor: QuoteExtractor) -> None:
    text = "The ferry finally docked at noon.\n\n“Not again!” Ida Marsh shouted from the pier, waving her ticket."
    quote = only(polnear_extractor.extract(text), "Not again")
    assert quote.speaker == "Ida Marsh"


def test_short_scare_quote_does_not_take_a_nearby_cue(polnear_extractor: QuoteExtractor) -> None:
    text = "The “green corridor” opened on Sunday, Ida Marsh said."
    assert all(quote.text != "“green corridor”" for quote in polnear_extractor.extract(text).quotes)


def test_quoted_title_is_not_speech(extractor: QuoteExtractor) -> None:
    text = "Ida Marsh, who hosts “Evenings on the Harbour,” said the show would return in May."
    assert all("Evenings on the Harbour" not in quote.text for quote in extractor.extract(text).quotes)


def test_title_case_exclamation_is_still_speech(polnear_extractor: QuoteExtractor) -> None:
    text = "The ferry finally docked at noon.\n\n“Save Our Ferry!” the passengers chanted on the pier."
    assert only(polnear_extractor.extract(text), "Save Our Ferry").cue == "chanted"


def test_polnear_quote_going_on_in_the_next_paragraph_is_one_act(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "“The harbour will reopen next spring,” Mayor Helena Brandt said on Friday.\n\n"
        "“We owe that to every family that lives from the sea.”\n\n"
        "The council meets again in May."
    )
    quote = only(polnear_extractor.extract(text), "harbour will reopen")
    assert len(quote.spans) == 2 and "every family" in quote.text


def test_next_sentence_reporting_its_own_clause_is_not_the_quotes_cue(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "“It is a sad day,” Ida Marsh told reporters. “The plant meant everything to this town.” "
        "Governor Tom Reyes said he would visit the site next week."
    )
    quote = only(polnear_extractor.extract(text), "sad day")
    assert "meant everything" in quote.text
    assert quote.speaker == "Ida Marsh"


def test_quoted_transcript_lines_name_their_speakers(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "The interview went on.\n\n"
        '"HOLM: Mayor, will the ferry run on Monday night, as the council promised last week?\n\n'
        '"BRANDT: The ferry will not run tomorrow night. The engineers need another week."'
    )
    extraction = polnear_extractor.extract(text)
    question = only(extraction, "will the ferry")
    assert question.text.startswith("Mayor, will")
    assert question.speaker == "HOLM"
    assert only(extraction, "another week").speaker == "BRANDT"


def test_polnear_quote_after_a_colon_leaves_the_introduction_out(polnear_extractor: QuoteExtractor) -> None:
    text = 'Marsh has unveiled her new slogan for the campaign: "Ferries, not fares."'
    quote = only(polnear_extractor.extract(text), "Ferries")
    assert quote.text == '"Ferries, not fares."'


def test_naming_verbs_report_the_quoted_label(polnear_extractor: QuoteExtractor) -> None:
    text = "Senator Ida Marsh has repeatedly likened the new toll to “highway robbery.”"
    quote = only(polnear_extractor.extract(text), "highway robbery")
    assert quote.speaker == "Ida Marsh"
    assert quote.cue == "likened"


def test_next_sentence_cue_after_a_long_speaker_phrase(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "The vote is on Monday.\n\n"
        "“Is the council going to finally fix the ferry? If it doesn't, it should resign!” "
        "the outspoken harbour master of Northfield, Ida Marsh, posted on Sunday."
    )
    quote = only(polnear_extractor.extract(text), "fix the ferry")
    assert quote.cue == "posted"
    assert "Marsh" in (quote.speaker or "")


def test_polnear_mixed_quote_leaves_out_a_when_clause(polnear_extractor: QuoteExtractor) -> None:
    text = "Ida Marsh said the toll was “a scandal,” when asked about the bridge on Monday."
    quote = only(polnear_extractor.extract(text), "scandal")
    assert quote.text == "the toll was “a scandal,”"


def test_cue_closing_the_previous_sentence_introduces_a_quote(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "The ferry strike entered its third week.\n\n"
        "Ida Marsh, the union's spokeswoman, said in a statement.\n\n"
        "“There is no agreement yet, and the crews will stay on the pier until there is one.”"
    )
    quote = only(polnear_extractor.extract(text), "no agreement")
    assert quote.cue == "said"
    assert "Marsh" in (quote.speaker or "")


def test_polnear_short_clause_around_a_quote_is_a_mixed_quote(polnear_extractor: QuoteExtractor) -> None:
    text = "Ida Marsh said the new toll “humiliates every single family in this harbour town” today."
    quote = only(polnear_extractor.extract(text), "humiliates")
    assert quote.text.startswith("the new toll “humiliates")


def test_polnear_quote_going_on_from_a_mixed_quote_joins_it(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "Ida Marsh said the new toll was “a tax on every family in this town,” adding nothing more. "
        "“We will fight it in court.”"
    )
    quote = only(polnear_extractor.extract(text), "every family")
    assert quote.text.startswith("the new toll was")
    assert len(quote.spans) == 2 and "fight it in court" in quote.text


def test_polnear_nested_cue_does_not_repeat_the_outer_mixed_quote(polnear_extractor: QuoteExtractor) -> None:
    text = "Ida Marsh said she believes the new toll is “a tax on every family in this town.”"
    quotes = [quote for quote in polnear_extractor.extract(text).quotes if "every family" in quote.text]
    assert len(quotes) == 1
    assert quotes[0].text.startswith("she believes")


def test_polnear_mixed_quote_stops_before_a_new_clause_after_a_dash(polnear_extractor: QuoteExtractor) -> None:
    text = "Marsh said the new plan “puts families first” on the island - and she wants a vote on it soon."
    quote = only(polnear_extractor.extract(text), "puts families first")
    assert quote.text.endswith("on the island")


def test_go_on_reports_more_speech(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "“The ferry is late again,” said Ida Marsh, a commuter.\n\n"
        "She went on: “It is like waiting for a bus that was never on the timetable at all.”"
    )
    quote = only(polnear_extractor.extract(text), "waiting for a bus")
    assert quote.cue == "went"
    assert quote.speaker == "Ida Marsh"


def test_polnear_short_quote_in_the_object_of_a_cue_before_it_takes_the_object(
    polnear_extractor: QuoteExtractor,
) -> None:
    text = "Mayor Dana Holt is not worried about the defeats — in fact, she said it “toughens” her."
    quote = only(polnear_extractor.extract(text), "toughens")
    assert quote.text == "it “toughens” her"
    assert quote.direct
    assert quote.speaker == "Dana Holt"


def test_polnear_object_named_before_a_quoted_label_joins_it(polnear_extractor: QuoteExtractor) -> None:
    text = "Governor Alan Pike called the new budget “a gift to the wealthy” in a speech on Friday."
    quote = only(polnear_extractor.extract(text), "gift")
    assert quote.text == "the new budget “a gift to the wealthy”"
    assert quote.speaker == "Alan Pike"


def test_polnear_the_listener_of_tell_is_not_part_of_what_is_said(polnear_extractor: QuoteExtractor) -> None:
    quote = only(polnear_extractor.extract("Mayor Dana Holt told the crowd simply, “We won.”"), "won")
    assert quote.text == "“We won.”"
    assert quote.speaker == "Dana Holt"


def test_nominal_speaker_keeps_where_they_are(polnear_extractor: QuoteExtractor) -> None:
    text = "Officials in Bergen described the ferry plan as “a starting point.” One in five riders said it would fail."
    assert [quote.speaker for quote in polnear_extractor.extract(text).quotes] == [
        "Officials in Bergen",
        "One in five riders",
    ]


def test_a_relative_clause_with_its_own_subject_reports_nothing(extractor: QuoteExtractor) -> None:
    # 'advises' is a cue word; the clause before the comma is the speaker's name, not her words
    text = "Petra Lind, an economist who advises the central bank on lending, said rates would stay high."
    extraction = extractor.extract(text)
    assert [quote.text for quote in extraction.quotes] == ["rates would stay high"]
    assert extraction.quotes[0].speaker == "Petra Lind"


def test_nothing_nobody_said_is_a_quote_for_an_editor(
    extractor: QuoteExtractor, polnear_extractor: QuoteExtractor
) -> None:
    text = "None of the ministers would say what the bloc could offer. Ida Marsh said the offer was fair."
    assert [quote.text for quote in extractor.extract(text).quotes] == ["the offer was fair"]
    # PolNeAR annotates it, with 'None of the ministers' as the source
    assert any("could offer" in quote.text for quote in polnear_extractor.extract(text).quotes)


def test_a_quote_running_on_into_the_next_paragraph_takes_its_speaker_from_there(extractor: QuoteExtractor) -> None:
    text = (
        "The harbour reopened on Monday after a week of storms.\n\n"
        "“Nobody here has slept properly for days. The boats are still tied up.\n\n"
        "“We lost two of them,” Ida Marsh said, “and the insurers have not called.”"
    )
    assert only(extractor.extract(text), "slept properly").speaker == "Ida Marsh"
