"""Who the speaker is to the topic: the person a topic is about, speaking for themselves.

A candidate's own words in the campaign are for their candidacy far more often than against it
(the team's real-news train split, where the topic's person speaks: favor 110, none 83,
against 14), but the cross-encoder reads their attacks on rivals as negative and calls them against.
The model adds a bias fitted on the real-news dev split to the rows this marks (`self_bias`).
"""

from __future__ import annotations

import re
from functools import lru_cache

_POSSESSIVE = re.compile(r"(['’]s?)$")
_WORD = re.compile(r"[^\W\d_][\w.'’-]*")
_DETERMINERS = frozenset("the a an this that these those his her their its our".split())


@lru_cache(maxsize=1)
def _first_names():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def _capitalised_run(words: list[str]) -> list[str]:
    run = []
    for word in words:
        if not word[:1].isupper():
            break
        run.append(word)
        if _POSSESSIVE.search(word):
            break  # "Donald Trump's proposed ban": the name ends at the possessive
    return run


@lru_cache(maxsize=1024)
def topic_person(topic: str) -> str:
    """The surname of the person a topic opens with ('Donald Trump as president' -> 'Trump',
    "Barack Obama's record" -> 'Obama'); '' when it opens with anything else ('the FBI
    investigation of …', 'the U.S.-Russia talks')."""
    run = _capitalised_run(_WORD.findall(topic))
    # the names resource also knows 'The' (as a mostly female name)
    if len(run) < 2 or run[0].lower() in _DETERMINERS or _first_names().get_gender(run[0]) == "unknown":
        return ""
    return _POSSESSIVE.sub("", run[-1])


def speaks_for_self(speaker: str, topic: str) -> bool:
    """The speaker is the topic's person: their name ends the speaker's name ('Trump', 'Donald J.
    Trump', 'Mr. Trump'), not merely mentioned in it ("Trump's adviser Jason Miller")."""
    surname = topic_person(topic)
    if not surname or not speaker:
        return False
    names = [word for word in _WORD.findall(speaker) if word[:1].isupper()]
    return bool(names) and names[-1] == surname
