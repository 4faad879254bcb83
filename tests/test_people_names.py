"""quotes.people: whether two written names can be one person (pure, no database)."""
import pytest

from quotes.people import parse_person_name, same_person


def name(text: str):
    return parse_person_name(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Donald J. Trump", "Donald Trump"),
        ("Hillary Rodham Clinton", "Hillary Clinton"),
        ("D. Trump", "Donald Trump"),
        ("José Müller", "Jose Muller"),
    ],
)
def test_variants_of_one_name_are_one_person(a: str, b: str) -> None:
    assert same_person(name(a), name(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Walter P. Brennan", "Walter K. Brennan"),
        ("Walter Brennan", "Ellen Brennan"),
        ("Donald Trump", "Donald Trump Jr."),
        ("Trump", "Donald Trump"),  # a bare surname is never 'the same' by itself
    ],
)
def test_different_people_stay_apart(a: str, b: str) -> None:
    assert not same_person(name(a), name(b))


def test_a_bare_surname_and_its_title() -> None:
    assert (name("Mr. Trump").last, name("Mr. Trump").title_gender, name("Mr. Trump").is_surname_only) == (
        "trump", "m", True,
    )
    assert name("Ms. O’Rourke").last == "orourke" and name("Ms. O’Rourke").title_gender == "f"
