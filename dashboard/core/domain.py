"""The domain vocabulary: codes, labels, value domains and shipped defaults.

Everything here comes from ``shared/domain.md`` and ``shared/data-contract.md``.
Stored values are always the lower-case Dutch codes; English aliases are only
accepted on import (see ``ALIASES``).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- ordered value domains -------------------------------------------------

WAVES: tuple[str, ...] = ("begin", "midden", "eind")
STRENGTHS: tuple[str, ...] = ("geen", "zwak", "sterk")  # weakest first
KLIK: tuple[str, ...] = ("ja", "twijfel", "nee")
CONTRIBUTIONS: tuple[str, ...] = ("positief", "negatief")
FREQUENCIES: tuple[str, ...] = ("dagelijks", "wekelijks", "maandelijks", "zelden")
SECTORS: tuple[str, ...] = ("po", "vo", "mbo")
ORIENTATIONS: tuple[str, ...] = ("technisch", "persoonlijk")
SIDES: tuple[str, ...] = ("school", "instituut", "overig")
# Step 5 (does the network give the support needed) and step 6 (an agreed action).
SUPPORT: tuple[str, ...] = ("ja", "deels", "nee")
ACTION_STATUSES: tuple[str, ...] = ("open", "gedaan", "vervallen")

STRENGTH_RANK: dict[str, int] = {s: i for i, s in enumerate(STRENGTHS)}
WAVE_RANK: dict[str, int] = {w: i for i, w in enumerate(WAVES)}


@dataclass(frozen=True)
class Role:
    code: str
    label_nl: str
    label_en: str
    abbreviation: str | None
    side: str  # school, instituut, overig
    line: str | None  # B1, B2 or None
    usually_formal: bool | None  # None: either


ROLES: tuple[Role, ...] = (
    Role("werkplekbegeleider", "werkplekbegeleider", "workplace mentor", "WPB", "school", "B1", True),
    Role("schoolopleider", "schoolopleider", "school-based teacher educator", "SO", "school", "B2", True),
    Role("instituutsopleider", "instituutsopleider", "institute-based teacher educator", "IO", "instituut", "B2", True),
    Role("studieloopbaanbegeleider", "studieloopbaanbegeleider", "study-career counsellor", "SLB", "instituut", "B2", True),
    Role("collega", "collega", "colleague", None, "school", None, False),
    Role("medestudent", "medestudent", "fellow student", None, "instituut", None, False),
    Role("leidinggevende", "leidinggevende", "team leader", None, "school", None, None),
    Role("overig", "overig", "other", None, "overig", None, None),
)
ROLE_BY_CODE: dict[str, Role] = {r.code: r for r in ROLES}
ROLE_CODES: tuple[str, ...] = tuple(r.code for r in ROLES)
FORMAL_ROLES: tuple[str, ...] = tuple(r.code for r in ROLES if r.usually_formal)


@dataclass(frozen=True)
class GuidanceFunction:
    code: str
    label_nl: str
    label_en: str
    group: str  # career, psychosocial
    description: str


DEFAULT_FUNCTIONS: tuple[GuidanceFunction, ...] = (
    GuidanceFunction("gastheer", "gastheer", "host", "career",
                     "maakt de school toegankelijk: routines, afspraken, erbij horen"),
    GuidanceFunction("leermeester", "leermeester", "master", "career",
                     "instructie en bruikbare feedback op lessen"),
    GuidanceFunction("vakexpert", "vakexpert", "subject expert", "career",
                     "vakinhoudelijke en vakdidactische expertise"),
    GuidanceFunction("rolmodel", "rolmodel", "role model", "psychosocial",
                     "een voorbeeld waarvan de student leert door te kijken"),
    GuidanceFunction("emotionele_steun", "emotionele steun", "emotional support", "psychosocial",
                     "een luisterend oor, veiligheid, vertrouwen"),
    GuidanceFunction("reflectie", "reflectiepartner", "reflection partner", "psychosocial",
                     "helpt de eigen praktijk en de eigen begeleidingsbehoefte te analyseren"),
)

# Default programme norm, version 2 (shared/domain.md, "The desired
# constellation"): the werkplekbegeleider (B1, daily) `sterk`, the three
# second-line roles (B2, coordinating) `zwak`, i.e. present and contributing;
# expecting `sterk` of every B2 mentor flagged nearly every trainee. And
# consultation WPB-SO and SO-IO. `*` means: for every programme.
DEFAULT_PROGRAMME = "*"
DEFAULT_NORM_ROLES: tuple[tuple[str, str], ...] = tuple(
    (r, "sterk" if r == "werkplekbegeleider" else "zwak") for r in FORMAL_ROLES
)
DEFAULT_NORM_CONSULTATIONS: tuple[tuple[str, str], ...] = (
    ("schoolopleider", "werkplekbegeleider"),
    ("instituutsopleider", "schoolopleider"),
)

# --- import aliases --------------------------------------------------------
# English (and a few spelling) aliases accepted on import, per value domain.
# Values are compared after trimming and lower-casing.

ALIASES: dict[str, dict[str, str]] = {
    "role": {
        "workplace_mentor": "werkplekbegeleider",
        "school_teacher_educator": "schoolopleider",
        "institute_teacher_educator": "instituutsopleider",
        "study_career_counsellor": "studieloopbaanbegeleider",
        "colleague": "collega",
        "fellow_student": "medestudent",
        "team_leader": "leidinggevende",
        "other": "overig",
    },
    "wave": {"start": "begin", "middle": "midden", "end": "eind"},
    "strength": {"strong": "sterk", "weak": "zwak", "none": "geen"},
    "klik": {"yes": "ja", "doubt": "twijfel", "no": "nee"},
    "contribution": {"positive": "positief", "negative": "negatief"},
    "frequency": {"daily": "dagelijks", "weekly": "wekelijks", "monthly": "maandelijks", "rarely": "zelden"},
    "orientation": {"technical": "technisch", "personal": "persoonlijk"},
    "sector": {},
    "support": {"yes": "ja", "partly": "deels", "no": "nee"},
    "status": {"done": "gedaan", "dropped": "vervallen"},
}

# waar/onwaar: what a Dutch Excel writes for TRUE/FALSE (data contract, version 2).
BOOLEAN_TRUE = frozenset({"ja", "yes", "true", "waar", "1"})
BOOLEAN_FALSE = frozenset({"nee", "no", "false", "onwaar", "0"})

DOMAINS: dict[str, tuple[str, ...]] = {
    "role": ROLE_CODES,
    "wave": WAVES,
    "strength": STRENGTHS,
    "klik": KLIK,
    "contribution": CONTRIBUTIONS,
    "frequency": FREQUENCIES,
    "orientation": ORIENTATIONS,
    "sector": SECTORS,
    "support": SUPPORT,
    "status": ACTION_STATUSES,
}


def canonical(domain: str, raw: str) -> str | None:
    """The stored code for ``raw`` in ``domain``, or None if it is not valid."""
    value = raw.strip().lower()
    if value in DOMAINS[domain]:
        return value
    return ALIASES[domain].get(value)


def parse_boolean(raw: str) -> bool | None:
    """True/False for the accepted spellings, None if not a boolean."""
    value = raw.strip().lower()
    if value in BOOLEAN_TRUE:
        return True
    if value in BOOLEAN_FALSE:
        return False
    return None


def role_label(code: str, lang: str = "nl") -> str:
    role = ROLE_BY_CODE.get(code)
    if role is None:
        return code
    return role.label_en if lang == "en" else role.label_nl
