"""Word lists: cue verbs, titles and pronouns.

Cue verbs are matched on the lower-cased surface form (the lemmatizer is
disabled for speed), so every inflection is generated here.
"""

from __future__ import annotations

# Dependency labels of a clause's subject.
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")

# Verbs that report speech or writing: a direct quote next to one is attributed to its subject.
SPEECH_VERBS = """
    say tell add announce argue insist write warn claim state explain note report declare
    acknowledge admit assert contend confirm deny suggest predict promise vow pledge respond
    reply ask answer comment remark stress emphasize emphasise tweet post recall conclude
    concede complain urge testify maintain observe caution boast quip joke muse recount continue
    counter allege reveal disclose tout charge scoff shout yell scream whisper mutter cry
    exclaim proclaim predict lament recommend propose demand plead question wonder estimate
    concur retort reiterate affirm describe call brag gush sigh snap laugh chime echo mock
    criticize criticise praise dismiss pledge threaten accuse blame thank conclude advise inform
    assure remind bark boom thunder rail grumble marvel vent gripe put reason pronounce
    speculate acknowledge hail decry denounce slam blast
    read chant interject interrupt quote retweet email confess bemoan grouse elaborate
    liken label dub portray characterize characterise refer term brand remember
    """.split()

# Verbs of thought, belief and evidence: PolNeAR attributes their clausal complements too.
COGNITION_VERBS = """
    believe think feel fear hope expect know worry doubt reckon realize realise understand
    assume consider suspect guess imagine find show indicate signal suggest insist
    """.split()

# Cues that take an infinitive complement ("vowed to fight", "urged him to resign").
INFINITIVE_CUES = frozenset(
    """
    promise vow pledge urge ask call threaten want hope plan decline refuse offer propose demand
    encourage tell warn expect
    """.split()
)

IRREGULAR_FORMS = {
    "seek": ["sought", "seeks", "seeking"],
    "try": ["tried", "tries", "trying"],
    "say": ["said", "says", "saying"],
    "read": ["reads", "reading"],  # past tense 'read' is the base form
    "email": ["emailed", "emails", "emailing"],
    "label": ["labeled", "labelled", "labels", "labeling", "labelling"],
    "refer": ["referred", "refers", "referring"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "written", "writes", "writing"],
    "think": ["thought", "thinks", "thinking"],
    "feel": ["felt", "feels", "feeling"],
    "know": ["knew", "known", "knows", "knowing"],
    "find": ["found", "finds", "finding"],
    "show": ["showed", "shown", "shows", "showing"],
    "understand": ["understood", "understands", "understanding"],
    "cry": ["cried", "cries", "crying"],
    "reply": ["replied", "replies", "replying"],
    "deny": ["denied", "denies", "denying"],
    "testify": ["testified", "testifies", "testifying"],
    "worry": ["worried", "worries", "worrying"],
    "criticize": ["criticized", "criticizes", "criticizing"],
    "criticise": ["criticised", "criticises", "criticising"],
    "snap": ["snapped", "snaps", "snapping"],
    "chime": ["chimed", "chimes", "chiming"],
    "plan": ["planned", "plans", "planning"],
    "brag": ["bragged", "brags", "bragging"],
    "quip": ["quipped", "quips", "quipping"],
    "scoff": ["scoffed", "scoffs", "scoffing"],
    "echo": ["echoed", "echoes", "echoing"],
    "guess": ["guessed", "guesses", "guessing"],
    "gush": ["gushed", "gushes", "gushing"],
    "sigh": ["sighed", "sighs", "sighing"],
}


_VOWELS = set("aeiou")


def _regular_forms(base: str) -> list[str]:
    if len(base) >= 3 and base[-1] not in _VOWELS | set("wxy") and base[-2] in _VOWELS and base[-3] not in _VOWELS:
        # admit -> admitted (also keep the undoubled form: visit -> visited)
        return [base + base[-1] + "ed", base + base[-1] + "ing", base + "ed", base + "s", base + "ing"]
    if base.endswith("e"):
        stem = base[:-1]
        return [base + "d", base + "s", stem + "ing"]
    if base.endswith(("sh", "ch", "ss", "x")):
        return [base + "ed", base + "es", base + "ing"]
    return [base + "ed", base + "s", base + "ing"]


def _inflect(bases: list[str]) -> dict[str, str]:
    forms: dict[str, str] = {}
    for base in bases:
        forms[base] = base
        for form in IRREGULAR_FORMS.get(base) or _regular_forms(base):
            forms[form] = base
    return forms


SPEECH_FORMS = _inflect(SPEECH_VERBS)
COGNITION_FORMS = _inflect(COGNITION_VERBS)
CUE_FORMS = {**COGNITION_FORMS, **SPEECH_FORMS}

# Title words that may precede a name and belong in the role, not the name.
TITLE_WORDS = frozenset(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady prof prof. professor rev rev. sen sen.
    senator rep rep. representative congressman congresswoman gov gov. governor president vice
    prime minister secretary chancellor king queen prince princess sheikh pope judge justice gen
    gen. general col col. colonel lt lt. capt capt. captain adm adm. admiral sgt sgt. mayor
    ambassador speaker chairman chairwoman chair director commissioner spokesman spokeswoman
    spokesperson attorney ceo candidate nominee leader chief envoy foreign defense defence
    finance interior deputy former acting state first lady
    """.split()
)
# Military and police ranks: they precede a name like any title ("Lieutenant Colonel Ann Roe").
RANK_WORDS = frozenset(
    """
    lieutenant lt. sergeant sgt. corporal cpl. major maj. commander cmdr. brigadier marshal colonel
    col. captain capt. general gen. admiral adm. pvt.
    """.split()
)
# Clergy: a title before a name like any other ("Father Ivan Roe", "Rabbi Ann Roe").
CLERGY_WORDS = frozenset("father fr. reverend rabbi imam bishop archbishop cardinal pastor".split())
TITLE_WORDS = TITLE_WORDS | RANK_WORDS | CLERGY_WORDS

# One form per title, so a description finds the person the article titled ('the governor' ->
# 'Gov. Chris Roe', 'the congresswoman' -> 'Rep. Ann Roe').
TITLE_FORMS = {
    "gov": "governor", "gov.": "governor", "sen": "senator", "sen.": "senator", "rep": "representative",
    "rep.": "representative", "congressman": "representative", "congresswoman": "representative",
    "gen": "general", "gen.": "general", "lt.": "lieutenant", "sgt.": "sergeant", "cpl.": "corporal",
    "maj.": "major", "cmdr.": "commander", "col.": "colonel", "capt.": "captain", "adm.": "admiral",
    "prof.": "professor", "prof": "professor", "rev.": "reverend", "fr.": "father",
    "spokeswoman": "spokesman", "spokesperson": "spokesman", "chairwoman": "chairman", "chair": "chairman",
}
# Titles a definite description can stand for once the article has named their holder ('the minister').
DESCRIPTION_TITLES = frozenset(
    """
    senator representative congressman congresswoman governor president minister secretary chancellor
    ambassador mayor spokesman spokeswoman spokesperson chairman chairwoman commissioner envoy judge
    justice director leader
    """.split()
) | RANK_WORDS | CLERGY_WORDS
# Documents that speak for whoever put them out ('… said in a statement. "…," the statement said')
DOCUMENT_NOUNS = frozenset("statement letter memo report release filing post tweet email message note".split())
# 'the Estonian leader': whoever leads, under any of these titles
LEADER_TITLES = frozenset("president prime premier chancellor king queen emir sultan leader".split())

# Forms of address before a name: they tell gender, never a role.
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. miss mx mx. dr dr. sir dame".split())

MALE_TITLES = frozenset(
    """
    mr mr. sir lord king prince congressman chairman spokesman father fr. imam
    """.split()
)
FEMALE_TITLES = frozenset(
    """
    mrs mrs. ms ms. miss dame lady queen princess congresswoman chairwoman spokeswoman
    """.split()
)

MALE_PRONOUNS = frozenset(["he", "him", "his", "himself"])
FEMALE_PRONOUNS = frozenset(["she", "her", "hers", "herself"])
PLURAL_PRONOUNS = frozenset(["they", "them", "their", "we", "us", "our"])
PERSONAL_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS | frozenset(["i", "me", "you", "it"])
RELATIVE_PRONOUNS = frozenset(["who", "which", "that", "whom"])

# Verbs PolNeAR also treats as attributions, used only for reported content (never as a
# direct quote's cue): evaluations whose object is the attributed content ("praised the deal").
# (Wish verbs with an infinitive, "wants to build", were tried and did not pay off on train.)
OBJECT_VERBS = """
    support oppose praise criticize criticise endorse defend reject condemn applaud welcome
    describe cite mention dispute deny blame accuse slam blast attack question back favor favour
    dismiss denounce decry hail
    """.split()
OBJECT_FORMS = _inflect(OBJECT_VERBS)

# Titles that only ever precede a person's name (unlike "state" or "foreign").
PERSON_TITLE_WORDS = frozenset(
    """
    mr mr. mrs mrs. ms ms. dr dr. sir dame prof prof. professor rev rev. sen sen. senator rep rep.
    representative congressman congresswoman gov gov. governor president chancellor king queen prince
    princess pope judge justice gen gen. general col col. lt lt. capt capt. sgt sgt. mayor ambassador
    minister secretary spokesman spokeswoman spokesperson
    """.split()
) | RANK_WORDS | CLERGY_WORDS

# Words that make a run of proper nouns an institution rather than a person.
ORGANISATION_WORDS = frozenset(
    """
    ministry department party committee council agency office house court company inc corp
    group association university college times post news journal commission bank union
    institute foundation campaign administration kremlin pentagon senate congress parliament
    government police army navy center centre network press television radio service services
    board bureau organization organisation coalition alliance fund club league church school
    hospital city county state republic states nations kingdom airlines motors reuters
    """.split()
)

# Common nouns that name a person speaking ("an official said", "a spokeswoman for …")
PERSON_NOUNS = frozenset(
    """
    official officials spokesman spokeswoman spokesperson aide aides adviser advisers advisor
    source sources person people man woman resident residents voter voters expert experts
    analyst analysts lawmaker lawmakers senator candidate critic critics supporter supporters
    leader leaders officer officers member members friend friends president director strategist
    strategists diplomat diplomats negotiator negotiators
    """.split()
)
