"""Rules on hand-built contexts (tests/extraction/handbuilt.py): no spaCy model, no parse.

Sentences written for these tests.
"""

from __future__ import annotations

from quotes.extraction.conventions import NEWSDESK, POLNEAR
from quotes.extraction.direct import (
    QuoteView,
    comma_introduction,
    cue_near_quote,
    find_direct_quotes,
    find_quote,
)
from quotes.extraction.indirect import asks_about_own_name, find_indirect_speech, reporting_verb
from quotes.extraction.resolver import SpeakerResolver, name_given_in_description
from tests.extraction.handbuilt import hand_built

SAID_AFTER = hand_built(
    "“The bridge opens in May,” said Ines Varga.",
    """
    “ PUNCT `` punct 8
    The DET DT det 2
    bridge NOUN NN nsubj 3
    opens VERB VBZ ccomp 8
    in ADP IN prep 3
    May PROPN NNP pobj 4
    , PUNCT , punct 8
    ” PUNCT '' punct 8
    said VERB VBD ROOT 8
    Ines PROPN NNP compound 10
    Varga PROPN NNP nsubj 8
    . PUNCT . punct 8
    """,
)

SIGNED_WITH_A_DASH = hand_built(
    "“Keep the lights on.” ― Ines Varga",
    """
    “ PUNCT `` punct 1
    Keep VERB VB ROOT 1
    the DET DT det 3
    lights NOUN NNS dobj 1
    on ADP RP prt 1
    . PUNCT . punct 1
    ” PUNCT '' punct 1
    ― PUNCT : punct 1
    Ines PROPN NNP compound 9
    Varga PROPN NNP npadvmod 1
    """,
)

AFTER_A_COMMA = hand_built(
    "Varga shared her worry with the council, “We cannot wait another winter.”",
    """
    Varga PROPN NNP nsubj 1
    shared VERB VBD ROOT 1
    her PRON PRP$ poss 3
    worry NOUN NN dobj 1
    with ADP IN prep 1
    the DET DT det 6
    council NOUN NN pobj 4
    , PUNCT , punct 1
    “ PUNCT `` punct 11
    We PRON PRP nsubj 11
    cannot AUX MD aux 11
    wait VERB VB ccomp 1
    another DET DT det 13
    winter NOUN NN npadvmod 11
    . PUNCT . punct 11
    ” PUNCT '' punct 11
    """,
)

FUMED = hand_built(
    "“We will not close the bridge,” Varga fumed.",
    """
    “ PUNCT `` punct 10
    We PRON PRP nsubj 4
    will AUX MD aux 4
    not PART RB neg 4
    close VERB VB ccomp 10
    the DET DT det 6
    bridge NOUN NN dobj 4
    , PUNCT , punct 10
    ” PUNCT '' punct 10
    Varga PROPN NNP nsubj 10
    fumed VERB VBD ROOT 10
    . PUNCT . punct 10
    """,
)

SAID_THAT = hand_built(
    "Varga said that the bridge opens in May.",
    """
    Varga PROPN NNP nsubj 1
    said VERB VBD ROOT 1
    that SCONJ IN mark 5
    the DET DT det 4
    bridge NOUN NN nsubj 5
    opens VERB VBZ ccomp 1
    in ADP IN prep 5
    May PROPN NNP pobj 6
    . PUNCT . punct 1
    """,
)


def view_of_first_quote(context, convention=NEWSDESK) -> QuoteView:
    quote = context.quotes[0]
    return QuoteView(context, convention, quote, context.tokens_within(quote.start, quote.end))


def test_the_context_knows_which_tokens_are_quoted() -> None:
    inside = [SAID_AFTER.doc[i].text for i in range(len(SAID_AFTER.doc)) if SAID_AFTER.quoted(i)]
    assert inside == ["“", "The", "bridge", "opens", "in", "May", ",", "”"]


def test_a_cue_after_a_quote_gives_its_inverted_subject() -> None:
    found = cue_near_quote(view_of_first_quote(SAID_AFTER))
    assert found is not None
    assert (found.cue.text, found.speaker.text) == ("said", "Varga")


def test_a_dash_and_a_name_after_a_quote_sign_it() -> None:
    view = view_of_first_quote(SIGNED_WITH_A_DASH)
    assert cue_near_quote(view) is None  # no cue verb: the signature is the next finder's
    found = find_quote(view)
    assert found.speaker.text == "Varga"
    assert found.cue is None and found.cue_text == "―"


def test_a_comma_introduces_a_quote_only_where_the_convention_says_so() -> None:
    assert comma_introduction(view_of_first_quote(AFTER_A_COMMA, NEWSDESK)) is None
    found = comma_introduction(view_of_first_quote(AFTER_A_COMMA, POLNEAR))
    assert found is not None and found.speaker.text == "Varga"


def test_an_unknown_verb_right_after_an_open_quote_is_its_speech_act() -> None:
    view = view_of_first_quote(FUMED)
    assert cue_near_quote(view) is None
    found = find_quote(view)
    assert (found.cue.text, found.speaker.text) == ("fumed", "Varga")


def test_a_short_uncued_quote_is_a_scare_quote() -> None:
    context = hand_built(
        "The “plan” failed.",
        """
        The DET DT det 3
        “ PUNCT `` punct 3
        plan NOUN NN nsubj 4
        ” PUNCT '' punct 3
        failed VERB VBD ROOT 4
        . PUNCT . punct 4
        """,
    )
    assert find_direct_quotes(context, NEWSDESK) == []


def test_reported_content_keeps_its_complementizer_only_under_polnear() -> None:
    reported = reporting_verb(SAID_THAT, NEWSDESK, SAID_THAT.doc[1])
    assert reported is not None and reported.speaker.text == "Varga"
    texts = {
        convention.name: [SAID_THAT.text[a.start : a.end] for a in find_indirect_speech(SAID_THAT, convention)]
        for convention in (NEWSDESK, POLNEAR)
    }
    assert texts == {"newsdesk": ["the bridge opens in May"], "polnear": ["that the bridge opens in May"]}


def test_resolving_a_speaker_changes_nothing_until_it_is_registered() -> None:
    resolver = SpeakerResolver(SAID_AFTER)
    varga = SAID_AFTER.doc[10]
    first = resolver.resolve(varga)
    assert first is not None and first.name == "Ines Varga"
    assert resolver.registry.speaker_positions == set()
    assert resolver.resolve(varga) == first
    resolver.register(first)
    assert resolver.registry.speaker_positions == {10}
    assert resolver.resolve(varga) == first  # recording it changes no answer about the same words


# "a welder who asked that only his surname, Brandl, be used" (the relative clause of a described speaker)
DESCRIBED_BY_SURNAME = hand_built(
    "A welder who asked that only his surname, Brandl, be used said so.",
    """
    A DET DT det 1
    welder NOUN NN nsubj 13
    who PRON WP nsubj 3
    asked VERB VBD relcl 1
    that SCONJ IN mark 12
    only ADV RB advmod 7
    his PRON PRP$ poss 7
    surname NOUN NN nsubjpass 12
    , PUNCT , punct 7
    Brandl PROPN NNP appos 7
    , PUNCT , punct 7
    be AUX VB auxpass 12
    used VERB VBN ccomp 3
    said VERB VBD ROOT 13
    so ADV RB advmod 13
    . PUNCT . punct 13
    """,
)


def test_a_description_gives_its_person_the_name_in_apposition_to_a_name_noun() -> None:
    welder = DESCRIBED_BY_SURNAME.doc[1]
    assert name_given_in_description(welder).text == "Brandl"
    assert name_given_in_description(DESCRIBED_BY_SURNAME.doc[7]) is None  # 'surname' has no relative clause


def test_asking_how_one_is_named_reports_nothing() -> None:
    asked = DESCRIBED_BY_SURNAME.doc[3]
    assert asks_about_own_name(asked)
    assert reporting_verb(DESCRIBED_BY_SURNAME, NEWSDESK, asked) is None
    assert not asks_about_own_name(SAID_THAT.doc[1])
