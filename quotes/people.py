"""Whether two written names can be one person, across articles (pure: no Django, no spaCy).

The engine already joins the variants of a name inside one article ("Donald J. Trump", "Mr.
Trump", "Trump"); this module compares the names stored for speakers of different articles.
Names are split by `nameparser` (title, first, middle, last, suffix); every part is compared
in a normal form (lower case, no accents or punctuation).

The rules are strict on purpose, since a wrong merge is worse than a duplicate an editor merges:
- two full names are one person when surname, first name and suffix agree and their middle
  names do not contradict each other ("Donald J. Trump" = "Donald Trump" ≠ "Donald Trump Jr.";
  "Walter P. Brennan" ≠ "Walter K. Brennan"); a first name may be an initial ("D. Trump");
- a bare surname ("Trump", "Mr. Trump") is a person only when exactly one known person has it
  (of several, a gendered title may pick the one whose first name is of that gender).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import gender_guesser.detector
from nameparser import HumanName

_MALE_TITLES = frozenset({"mr", "sir", "lord", "king", "prince", "father", "brother"})
_FEMALE_TITLES = frozenset({"ms", "mrs", "miss", "madam", "madame", "dame", "lady", "queen", "princess", "sister"})


def _plain(word: str) -> str:
    """'Jean-Claude' -> 'jean claude', 'O’Rourke' -> 'orourke': the normal form of stored aliases
    (services.normalize_name, Django's slugify with spaces): lower case, ASCII, no marks."""
    word = word.removesuffix("’s").removesuffix("'s")
    ascii_only = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    kept = re.sub(r"[^\w\s-]", "", ascii_only.lower())
    return " ".join(re.sub(r"[-\s_]+", " ", kept).split())


@dataclass(frozen=True)
class PersonName:
    first: str  # "" for a bare surname
    middle: tuple[str, ...]
    last: str
    suffix: str
    title_gender: str  # "m", "f" or "" from a title ('Mr.', 'Ms.')

    @property
    def is_surname_only(self) -> bool:
        return not self.first


@lru_cache(maxsize=8192)
def parse_person_name(name: str) -> PersonName | None:
    """The parts of a person's name; None when there is no surname to compare."""
    parsed = HumanName(" ".join(name.split()))
    titles = {_plain(word) for word in parsed.title.split()}
    gender = "m" if titles & _MALE_TITLES else "f" if titles & _FEMALE_TITLES else ""
    first, middle, last = _plain(parsed.first), tuple(_plain(m) for m in parsed.middle.split()), _plain(parsed.last)
    if not last:  # nameparser reads a lone word as a first name: in a news byline it is a surname
        first, middle, last = "", (), first
    if not last:
        return None
    return PersonName(first, tuple(m for m in middle if m), last, _plain(parsed.suffix), gender)


def _same_given(a: str, b: str) -> bool:
    """'donald' and 'donald', or an initial and the name it opens ('d' and 'donald')."""
    if a == b:
        return True
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def same_person(a: PersonName, b: PersonName) -> bool:
    """Two full names that can only be one person's (see the module's rules)."""
    if a.is_surname_only or b.is_surname_only:
        return False
    if a.last != b.last or a.suffix != b.suffix or not _same_given(a.first, b.first):
        return False
    shorter, longer = sorted((a.middle, b.middle), key=len)
    # 'Hillary Clinton' = 'Hillary Rodham Clinton'; 'Walter P.' ≠ 'Walter K.'
    return all(any(_same_given(m, n) for n in longer) for m in shorter)


def has_surname(name: PersonName, surname: str) -> bool:
    return name.last == surname


@lru_cache(maxsize=1)
def _detector() -> gender_guesser.detector.Detector:
    return gender_guesser.detector.Detector(case_sensitive=False)


def first_name_gender(name: PersonName) -> str:
    """'m'/'f' when the names resource knows the first name as one gender only, else ''."""
    if not name.first:
        return ""
    return {"male": "m", "female": "f"}.get(_detector().get_gender(name.first.split()[0]), "")
