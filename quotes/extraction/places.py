"""Place names that, without NER, the parse alone would take for people.

"Britain said …" or "California voted …" puts a proper noun in subject position just
like "Lavrov said …"; a place is never the antecedent of "he" or "she". The list holds
countries, US states and regions frequent in English-language news, lower-cased.
"""

from __future__ import annotations

US_STATES = """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming
    """.split() + [
    "new hampshire",
    "new jersey",
    "new mexico",
    "new york",
    "north carolina",
    "north dakota",
    "rhode island",
    "south carolina",
    "south dakota",
    "west virginia",
    "puerto rico",
]

COUNTRIES = """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh
    belarus belgium bolivia bosnia brazil britain bulgaria cambodia cameroon canada chile china
    colombia croatia cuba cyprus denmark ecuador egypt england estonia ethiopia finland france
    germany ghana greece guatemala haiti honduras hungary iceland india indonesia iran iraq
    ireland israel italy jamaica japan jordan kazakhstan kenya korea kosovo kuwait latvia lebanon
    libya lithuania malaysia mali mexico moldova mongolia morocco myanmar nepal netherlands
    nicaragua niger nigeria norway oman pakistan palestine panama paraguay peru philippines
    poland portugal qatar romania russia rwanda scotland senegal serbia singapore slovakia
    slovenia somalia spain sudan sweden switzerland syria taiwan tajikistan tanzania thailand
    tunisia turkey uganda ukraine uruguay uzbekistan venezuela vietnam wales yemen zambia
    zimbabwe
    """.split() + [
    "saudi arabia",
    "south africa",
    "south korea",
    "north korea",
    "new zealand",
    "united states",
    "united kingdom",
    "great britain",
    "sri lanka",
    "el salvador",
    "costa rica",
    "ivory coast",
    "czech republic",
    "dominican republic",
    "united arab emirates",
]

REGIONS = """
    africa america americas asia europe eurasia antarctica arctic balkans caribbean
    crimea donbas gaza kashmir scandinavia siberia midwest
    """.split() + [
    "latin america",
    "middle east",
    "north america",
    "south america",
    "west bank",
    "central america",
    "southeast asia",
    "silicon valley",
    "wall street",
    "capitol hill",
]

PLACE_NAMES = frozenset(US_STATES + COUNTRIES + REGIONS)
