"""Speaker resolution: antecedents of pronouns, continuations (sentences written for these tests)."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab

from quotes.extraction import QuoteExtractor
from quotes.extraction.results import Quote
from quotes.extraction.subjects import subject_of_cue


def quote_with(quotes: list[Quote], words: str) -> Quote:
    return next(quote for quote in quotes if words in quote.text)


def test_a_place_in_subject_position_is_not_a_pronoun_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Mayor Tom Reilly toured the flooded district on Monday. "
        'Ohio approved emergency funds for the county last week. "We will rebuild every street," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "rebuild").speaker == "Tom Reilly"


def test_a_group_named_by_a_plural_proper_noun_is_not_a_pronoun_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Senator Paul Dorsey left the chamber early. Republicans rejected the draft on Tuesday. "
        '"This is not a serious offer from the other side," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "serious offer").speaker == "Paul Dorsey"


def test_an_acronym_is_not_a_pronoun_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Judge Carl Mendes read the ruling aloud. NASA said the launch would slip to spring. "
        '"The court has heard enough about rockets," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "rockets").speaker == "Carl Mendes"


def test_continuation_after_a_split_quote_keeps_its_speaker(polnear_extractor: QuoteExtractor) -> None:
    text = (
        'Councillor Dana Whitby opened the hearing. "The bridge is late," Whitby said, '
        '"and it will cost far more than anyone promised."\n\n'
        '"We need a new plan for the river crossing and we need it soon."'
    )
    quotes = polnear_extractor.extract(text).quotes
    assert quote_with(quotes, "new plan").speaker == quote_with(quotes, "bridge").speaker


def test_a_document_issued_by_someone_is_said_by_the_issuer(polnear_extractor: QuoteExtractor) -> None:
    text = 'The harbour authority issued a statement saying the new pier was "a gift to every fisherman in the county."'
    quote = quote_with(polnear_extractor.extract(text).quotes, "fisherman")
    assert quote.speaker == "The harbour authority"


def test_a_time_expression_is_never_the_speaker(polnear_extractor: QuoteExtractor) -> None:
    text = 'Band member Jo shared the news online last week, writing "Feels great to back someone I believe in."'
    assert all("week" not in (quote.speaker or "") for quote in polnear_extractor.extract(text).quotes)


def test_the_listener_after_tell_is_not_the_speaker(extractor: QuoteExtractor) -> None:
    text = 'Speaking in Lisbon and telling reporters "the port will stay open for many more years to come."'
    assert quote_with(extractor.extract(text).quotes, "port").speaker != "reporters"


def test_any_verb_right_after_an_open_quote_is_its_speech_act(polnear_extractor: QuoteExtractor) -> None:
    text = 'The council voted on Tuesday. "Nobody told us anything about the closure," Lina Ortiz fumed.'
    assert quote_with(polnear_extractor.extract(text).quotes, "closure").speaker == "Lina Ortiz"


def test_an_inverted_unknown_verb_after_a_question_names_the_speaker(polnear_extractor: QuoteExtractor) -> None:
    text = 'The council voted on Tuesday. "Is anyone listening to the fishermen at all?" reacted Lina Ortiz.'
    assert quote_with(polnear_extractor.extract(text).quotes, "fishermen").speaker == "Lina Ortiz"


def test_a_quoted_title_before_a_verb_is_not_speech(polnear_extractor: QuoteExtractor) -> None:
    text = 'The bar "Harbour Lights," which opened in May, serves fish.'
    assert polnear_extractor.extract(text).quotes == []


def test_an_apposition_may_sit_between_the_quote_speaker_and_the_verb(polnear_extractor: QuoteExtractor) -> None:
    text = (
        'The council voted on Tuesday. "Nobody asked the fishermen what they think," '
        "Lina Ortiz, the head of the dockers union, fumed."
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "fishermen").speaker == "Lina Ortiz"


def test_the_subject_of_a_clause_ending_in_a_colon_speaks(extractor: QuoteExtractor) -> None:
    text = 'The vote was close. Lina Ortiz repeated the view of the Harbour Guild: "No new quotas this year and none."'
    assert quote_with(extractor.extract(text).quotes, "quotas").speaker == "Lina Ortiz"


def test_an_empty_subject_before_a_colon_names_nobody(extractor: QuoteExtractor) -> None:
    text = 'Wait, it gets better: "The port will close for good in May and nobody was told."'
    assert quote_with(extractor.extract(text).quotes, "port").speaker is None


def test_a_nominal_beside_a_name_resolves_to_the_name(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "The motion came from Tom Reilly, now the harbour commissioner, who said the pier was "
        '"a disgrace to the whole town and its people."'
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "disgrace").speaker == "Tom Reilly"


def test_of_two_parsed_subjects_the_time_is_skipped() -> None:
    # a hand-built parse as the tagger sometimes gives it: '4:40 p.m.' and 'Tate' both subjects of 'says'
    words = ["4:40", "p.m.", "Tate", "says", "so", "."]
    doc = Doc(
        Vocab(),
        words=words,
        heads=[1, 3, 3, 3, 3, 3],
        deps=["nummod", "nsubj", "nsubj", "ROOT", "advmod", "punct"],
        pos=["NUM", "ADP", "PROPN", "VERB", "ADV", "PUNCT"],
    )
    assert subject_of_cue(doc[3]).text == "Tate"


def test_an_unclosed_apposition_is_a_speaker_of_its_own(extractor: QuoteExtractor) -> None:
    text = "The talks came after Spain released fisherman Rui Costa, a port official confirmed to reporters on Tuesday."
    assert quote_with(extractor.extract(text).quotes, "released").speaker == "a port official"


REPORTED_QUOTE = '"The ferry will not run again this winter," Lina Ortiz said, according to Radio Sul.'


def test_polnear_gives_a_reported_quote_to_the_outer_source(polnear_extractor: QuoteExtractor) -> None:
    assert quote_with(polnear_extractor.extract(REPORTED_QUOTE).quotes, "ferry").speaker == "Radio Sul"


def test_newsdesk_gives_a_reported_quote_to_whoever_said_it(extractor: QuoteExtractor) -> None:
    assert quote_with(extractor.extract(REPORTED_QUOTE).quotes, "ferry").speaker == "Lina Ortiz"


def test_according_to_in_a_later_paragraph_leaves_the_quote_alone(polnear_extractor: QuoteExtractor) -> None:
    text = (
        '"The ferry will not run again this winter," Lina Ortiz said.\n\n'
        "The decision, according to Radio Sul, was taken on Monday."
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "ferry").speaker == "Lina Ortiz"


def test_a_document_speaking_through_a_relative_clause_is_its_issuers(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "The harbour authority released a new radio ad that urges voters to "
        '"keep the port open for the next generation."'
    )
    quote = quote_with(polnear_extractor.extract(text).quotes, "generation")
    assert quote.speaker == "The harbour authority"


def test_a_sentence_about_a_person_introduces_the_uncued_quote_after_it(polnear_extractor: QuoteExtractor) -> None:
    text = (
        '"The port has a future," Tom Reilly said at the meeting.\n\n'
        'Harbour engineer Lina Ortiz agreed. "We should have done this ten years ago, and we all know it."'
    )
    assert "Ortiz" in quote_with(polnear_extractor.extract(text).quotes, "ten years").speaker


def test_the_tail_of_a_cued_quote_does_not_split_it(polnear_extractor: QuoteExtractor) -> None:
    text = 'The panel met. "Is that not a bribe?" Lina Ortiz asked. "I think it is a bribe, plain and simple."'
    quotes = polnear_extractor.extract(text).quotes
    assert len(quotes) == 1 and quotes[0].speaker == "Lina Ortiz"


def test_polnear_gives_reported_speech_after_according_to_the_outer_source(polnear_extractor: QuoteExtractor) -> None:
    text = 'According to Radio Sul, Lina Ortiz said the ferry "will not run again this winter, whatever happens."'
    assert quote_with(polnear_extractor.extract(text).quotes, "winter").speaker == "Radio Sul"


def test_an_honorific_before_a_name_gives_its_gender(extractor: QuoteExtractor) -> None:
    text = (
        "Zeke Emanuel met Sasha Kowalczyk in Lisbon on Monday. Ms. Kowalczyk arrived late for the talks. "
        '"We will not sign anything today," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "sign").speaker == "Zeke Emanuel"


def test_a_cue_after_a_preposition_borrows_the_governing_subject(polnear_extractor: QuoteExtractor) -> None:
    text = 'The ruling angered the port workers. Lina Ortiz continued by saying, "We will appeal this in every court."'
    assert quote_with(polnear_extractor.extract(text).quotes, "appeal").speaker == "Lina Ortiz"


def test_the_speaker_after_a_quote_may_carry_a_prepositional_phrase(polnear_extractor: QuoteExtractor) -> None:
    text = (
        'The vote was close. "We will not give up on this island, not now and not ever," '
        "a fisherman on the pier fretted."
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "island").speaker == "a fisherman"


def test_a_surname_that_is_also_a_time_word_still_speaks(extractor: QuoteExtractor) -> None:
    text = '"The platform no longer welcomes people like us," Kristen Day said on Monday.'
    assert quote_with(extractor.extract(text).quotes, "platform").speaker == "Kristen Day"


def test_a_subject_pronoun_further_back_stands_for_its_own_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Governor Alan Pike arrived in the port town on Friday. He spoke with Ben Ruiz at the docks. "
        'The weather was cold. Crowds gathered by the water. "We need a new pier," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "new pier").speaker == "Alan Pike"


def test_the_subject_of_the_clause_a_pronoun_hangs_from_is_its_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        '"The budget is tight," Councillor Rita Moss said. '
        'Mayor Dana Holt was touring the plant when she told reporters, "The jobs are coming back."'
    )
    assert quote_with(extractor.extract(text).quotes, "jobs are coming").speaker == "Dana Holt"


def test_a_document_that_reads_a_quote_is_its_source_even_if_tagged_as_a_noun(
    polnear_extractor: QuoteExtractor,
) -> None:
    text = "“Neighbours, let me be clear. We can keep the harbour open. They cannot,” the leaflet read."
    assert "leaflet" in quote_with(polnear_extractor.extract(text).quotes, "harbour open").speaker


def test_a_sentence_introducing_a_quote_after_a_paragraph_break_still_names_the_speaker(
    polnear_extractor: QuoteExtractor,
) -> None:
    text = (
        '"We will reopen the mill," Pike said. "Nobody will lose a job."\n\n'
        "Dana Holt, the union's lawyer, argues that the closure was never legal. "
        '"The company ignored every rule in the contract and the county let it happen."'
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "ignored every rule").speaker == "Dana Holt"


def test_the_subject_of_a_clause_ending_in_a_comma_speaks_the_uncued_quote_after_it(
    polnear_extractor: QuoteExtractor,
) -> None:
    text = (
        "The budget fight dragged on. Mayor Dana Holt shared her worry with donors at a lunch on Friday, "
        '"I do not know which council will show up next year."'
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "which council").speaker == "Dana Holt"


def test_the_name_right_before_a_gerund_cue_speaks(polnear_extractor: QuoteExtractor) -> None:
    text = "The new ad opens with footage of Dana Holt asking, “Why is the harbour still closed after all these years?”"
    assert quote_with(polnear_extractor.extract(text).quotes, "harbour still closed").speaker == "Dana Holt"


def test_a_name_in_apposition_to_a_parsed_subject_noun_is_the_speaker(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "With a week until the referendum, Kemal Dursun, a senior aide to the mayor, "
        'said the count would be "clean and fast" this time.'
    )
    assert quote_with(polnear_extractor.extract(text).quotes, "clean and fast").speaker == "Kemal Dursun"


def test_a_nominal_speaker_keeps_a_long_modifier_up_to_its_named_object(polnear_extractor: QuoteExtractor) -> None:
    text = (
        "Officials at the Harbour Safety Bureau, a branch of the Coastal Transport Department, "
        'said they feared the pier could "collapse without warning."'
    )
    speaker = quote_with(polnear_extractor.extract(text).quotes, "collapse").speaker
    assert speaker == "Officials at the Harbour Safety Bureau"


def test_according_to_a_document_put_out_by_someone_gives_that_someone(polnear_extractor: QuoteExtractor) -> None:
    text = (
        '"The pier is unsafe and the council knows it," Holt said on Monday, '
        "according to a recording released by the Harbour Gazette."
    )
    assert "Harbour Gazette" in quote_with(polnear_extractor.extract(text).quotes, "pier is unsafe").speaker


def test_a_share_of_respondents_speaks_through_the_poll_named_before_it(polnear_extractor: QuoteExtractor) -> None:
    text = 'In a new Harbour Gazette poll, 61 percent of residents said the pier was "a danger to everyone."'
    assert "poll" in quote_with(polnear_extractor.extract(text).quotes, "danger").speaker


def test_a_person_named_as_a_possessor_is_not_the_speaker(extractor: QuoteExtractor) -> None:
    text = (
        "Senator Maria Lopez toured three counties on Friday. Maria Lopez’s campaign manager Daniel Weiss "
        "said in an interview that the senator would not debate before October. "
        "Lopez’s spokeswoman said the senator had no comment on the audit."
    )
    quotes = extractor.extract(text).quotes
    assert quote_with(quotes, "would not debate").speaker == "Daniel Weiss"
    assert quote_with(quotes, "no comment").speaker == "Lopez’s spokeswoman"


def test_a_pronoun_in_a_clause_under_a_reported_one_stands_for_that_clause_subject(extractor: QuoteExtractor) -> None:
    text = (
        "Ray Dunn said Carl Moss was \u201cdead right\u201d when he said on Sunday that "
        "\u201cthe league has lost its way.\u201d"
    )
    quotes = extractor.extract(text).quotes
    assert quote_with(quotes, "lost its way").speaker == "Carl Moss"
    assert quote_with(quotes, "dead right").speaker == "Ray Dunn"


def test_a_name_closing_a_long_subject_phrase_names_its_head(extractor: QuoteExtractor) -> None:
    # The parse hangs the name from the subject as a modifier of its own, not as its apposition.
    text = (
        "Ms. Okafor spoke first.\n\n"
        "A deputy on the fisheries committee of Norway’s Parliament, Sigrid Aalvik, described the offer as "
        "“a first step.” She said the talks would go on."
    )
    quotes = extractor.extract(text).quotes
    assert quote_with(quotes, "first step").speaker == "Sigrid Aalvik"
    assert quote_with(quotes, "go on").speaker == "Sigrid Aalvik"


def test_a_place_closing_a_subject_phrase_names_nobody(extractor: QuoteExtractor) -> None:
    text = "Several parents of pupils at a school in Dover, Delaware, said the district had ignored them."
    assert quote_with(extractor.extract(text).quotes, "ignored").speaker.startswith("Several parents")


def test_a_headline_line_does_not_run_into_the_sentence_below_it(extractor: QuoteExtractor) -> None:
    # Timestamps and headlines carry no full stop; the parser would make one sentence of three lines.
    text = (
        "“We will not sign anything this week,” Colonel Max Ferro said.\n\n"
        "16:40 GMT\n\n"
        "Lisbon: new offer on the table\n\n"
        "Portugal's trade secretary, Ines Salgueiro, put out a brief note on her website.\n\n"
        "“We are ready to talk tomorrow,” she wrote."
    )
    assert quote_with(extractor.extract(text).quotes, "ready to talk").speaker == "Ines Salgueiro"



def test_the_definite_description_goes_back_to_the_unnamed_speaker_it_repeats(extractor: QuoteExtractor) -> None:
    text = (
        "Mayor Ida Marsh opened the session.\n\n"
        "A European diplomat briefed on the talks said the draft was ready. "
        "“Nobody has signed anything,” the diplomat said."
    )
    speaker = quote_with(extractor.extract(text).quotes, "signed anything").speaker
    assert speaker is not None and speaker.lower().startswith("a european diplomat")


def test_after_an_opening_participle_the_name_set_off_by_commas_speaks(extractor: QuoteExtractor) -> None:
    # The parse hangs the name from the participle's object ('the BBC') and gives 'said' no subject.
    text = (
        "Mayor Tom Reilly said the port would reopen.\n\n"
        "Talking to the BBC, Lucian Moraru, who once led Romania's mission in Kyiv, said both sides were stalling.\n\n"
        "Posting on Facebook, the leader of the farmers' union, Petro Savka, praised the deal.\n\n"
        "“Every harvest counts,” he wrote."
    )
    quotes = extractor.extract(text).quotes
    assert quote_with(quotes, "stalling").speaker == "Lucian Moraru"
    assert quote_with(quotes, "harvest").speaker == "Petro Savka"


def test_a_subject_the_parse_made_the_root_is_still_the_pronouns_antecedent(extractor: QuoteExtractor) -> None:
    # 'left' is parsed as a reduced relative of 'head', the sentence's root
    text = (
        "“Nothing will be decided today,” Colonel Max Ferro replied.\n\n"
        "The chief of the Polish team, Adam Nowak, left by a back door without taking any questions. "
        "He later told a radio station that the mood had been calm."
    )
    assert quote_with(extractor.extract(text).quotes, "mood had been").speaker == "Adam Nowak"
