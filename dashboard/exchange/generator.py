"""A realistic, fictitious partnership in the interchange format.

``python -m dashboard generate OUT [--trainees N] [--seed S]`` writes one; the
shipped ``sample_data/`` is its output with the defaults. The shares follow
the last section of ``shared/domain.md`` ("Realistic shares, for the
generator"), and every attention signal of the domain occurs in a dataset of
a few hundred trainees (some are made to occur on purpose, see
``_Plan``).

Determinism: one ``random.Random(seed)``, of which only ``random()`` is used,
consumed in a fixed order; no set or dict iteration over unordered things, no
clock. Same seed, same bytes.
Everything is a single pass over the trainees, so time grows linearly with N.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar

import pandas as pd

from dashboard.core.domain import (
    DEFAULT_FUNCTIONS,
    DEFAULT_NORM_CONSULTATIONS,
    DEFAULT_NORM_ROLES,
    DEFAULT_PROGRAMME,
    STRENGTH_RANK,
)
from dashboard.core.i18n import t
from dashboard.exchange.interchange import write_dataset

T = TypeVar("T")

# --- shape of the partnership ----------------------------------------------

COHORT_OLD = "2025-2026"
COHORT_NEW = "2026-2027"
# The most recent cohort has not reached its last wave yet, so a trainee's
# latest wave differs between trainees.
COHORT_WAVES: dict[str, tuple[str, ...]] = {
    COHORT_OLD: ("begin", "midden", "eind"),
    COHORT_NEW: ("begin", "midden"),
}
TRAINEES_PER_SCHOOL = 30
TRAINEES_PER_INSTITUTE = 120
MAX_INSTITUTES = 40  # about every teacher-training institute in the country
MIN_SCHOOLS = 2

WPB = "werkplekbegeleider"
SO = "schoolopleider"
IO = "instituutsopleider"
SLB = "studieloopbaanbegeleider"

FUNCTION_CODES: tuple[str, ...] = tuple(f.code for f in DEFAULT_FUNCTIONS)
_FUNCTION_POSITION: dict[str, int] = {code: i for i, code in enumerate(FUNCTION_CODES)}

EMAIL_DOMAIN = "voorbeeld.nl"
STUDENT_DOMAIN = f"student.{EMAIL_DOMAIN}"


class _Weighted(Generic[T]):
    """A fixed weighted choice, drawn with one ``rng.random()``."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        # random() < 1, so the index stays below len(values).
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


# --- realistic shares (shared/domain.md, last section) ---------------------

STRENGTH_BY_ROLE: dict[str, tuple[float, float, float]] = {  # sterk, zwak, geen
    WPB: (0.70, 0.25, 0.05),
    SO: (0.50, 0.40, 0.10),
    IO: (0.35, 0.45, 0.20),
    SLB: (0.30, 0.45, 0.25),
}
INFORMAL_STRENGTH = _Weighted([("sterk", 0.60), ("zwak", 0.40)])
# One in ten formal ties weakens from one wave to the next. To keep each
# role's strength distribution stable over the waves, as many ties
# strengthen as weaken between each pair of neighbouring levels.
WEAKENING_SHARE = 0.10

# Klik depends on strength, and for the educators (SO, IO, SLB, who each see
# many trainees) on the person: a few of them lack klik with many trainees,
# most with hardly any. Tuned so that about 5 % of formal ties have `nee`
# and 15 % `twijfel`, and only a few mentors have `nee` repeatedly.
KLIK_WPB: dict[str, _Weighted[str]] = {
    "sterk": _Weighted([("ja", 0.91), ("twijfel", 0.08), ("nee", 0.01)]),
    "zwak": _Weighted([("ja", 0.70), ("twijfel", 0.22), ("nee", 0.08)]),
    "geen": _Weighted([("ja", 0.60), ("twijfel", 0.20), ("nee", 0.20)]),
}
KLIK_EDUCATOR: dict[str, _Weighted[str]] = {
    "sterk": _Weighted([("ja", 0.917), ("twijfel", 0.08), ("nee", 0.003)]),
    "zwak": _Weighted([("ja", 0.76), ("twijfel", 0.22), ("nee", 0.02)]),
    "geen": _Weighted([("ja", 0.74), ("twijfel", 0.20), ("nee", 0.06)]),
}
EDUCATOR_ROLES: tuple[str, ...] = (SO, IO, SLB)
# Educators who have no klik with many trainees (a topic for the coordinator).
DIFFICULT_EDUCATOR_SHARE = 0.10
DIFFICULT_MENTOR_NO_KLIK = 0.35
INFORMAL_KLIK = _Weighted([("ja", 0.65), ("twijfel", 0.07), ("", 0.28)])  # "" = not asked
# About 3 % of formal ties are experienced as negative, mostly without klik.
NEGATIVE_BY_KLIK: dict[str, float] = {"ja": 0.01, "twijfel": 0.05, "nee": 0.30}
KLIK_PERSISTS = 0.85  # chance a tie keeps its klik when its strength stays

SECOND_WPB_SHARE = 0.10
REMATCH_SHARE = 0.5  # a werkplekbegeleider without klik is replaced by the next wave
MAX_PEOPLE_PER_TRAINEE = 5 + 4 + 2 * 2 + 2
SECOND_WPB_INFORMAL_SHARE = 0.30  # "a second werkplekbegeleider can be informal"
MISSING_FORMAL_SHARE = 0.03
MISSING_FORMAL_ROLE = _Weighted([(WPB, 0.15), (SO, 0.25), (IO, 0.30), (SLB, 0.30)])
# Trainees whose strong support hangs on their werkplekbegeleider alone.
SINGLE_SUPPORT_SHARE = 0.03
# Trainees of the older cohort who have not (yet) filled in the last wave.
NO_LAST_WAVE_SHARE = 0.04

INFORMAL_COUNT = _Weighted([(0, 0.22), (1, 0.33), (2, 0.25), (3, 0.12), (4, 0.08)])
MAX_INFORMAL = 4
INFORMAL_PERSISTS = 0.80  # between waves; new ones appear to keep the mean
INFORMAL_CHANGES = 0.20  # chance an informal tie is rated anew in the next wave
INFORMAL_NEW = _Weighted([(0, 0.72), (1, 0.25), (2, 0.03)])
INFORMAL_ROLE = _Weighted([("collega", 0.65), ("medestudent", 0.20), ("leidinggevende", 0.10), ("overig", 0.05)])
REUSE_INFORMAL_PERSON = 0.5  # a colleague is often named by several trainees

# Consultation per trainee and wave, by pair of roles.
CONSULTATION_WPB_SO = 0.75
CONSULTATION_SO_IO = 0.60
CONSULTATION_OTHER_FORMAL = 0.30
CONSULTATION_INFORMAL = 0.08  # an informal person who talks with the werkplekbegeleider
CONSULTATION_PERSISTS = 0.80

NEEDS_SHARE = 0.5
NEEDS_COUNT = _Weighted([(1, 0.45), (2, 0.35), (3, 0.20)])
NEED_FROM_GAP = 0.6  # trainees mostly ask for what they lack

WPB_GROUP_SIZE = _Weighted([(1, 0.40), (2, 0.40), (3, 0.20)])
TRAINEES_PER_EDUCATOR = 17  # schoolopleider, instituutsopleider, slb: 10 to 25

ASSESSES_BY_ROLE: dict[str, float] = {WPB: 0.65, SO: 0.30, IO: 0.75, SLB: 0.10}
ORIENTATION_SHARE: dict[str, float] = {WPB: 0.6, SO: 0.4, IO: 0.4, SLB: 0.2}
ORIENTATION = _Weighted([("technisch", 0.55), ("persoonlijk", 0.45)])

# Functions per role: weights for a weighted draw without replacement.
FUNCTIONS_BY_ROLE: dict[str, tuple[tuple[str, float], ...]] = {
    WPB: (("gastheer", 0.8), ("leermeester", 0.9), ("vakexpert", 0.5), ("rolmodel", 0.5),
          ("emotionele_steun", 0.2), ("reflectie", 0.2)),
    SO: (("gastheer", 0.7), ("reflectie", 0.7), ("emotionele_steun", 0.2), ("leermeester", 0.15)),
    IO: (("reflectie", 0.8), ("vakexpert", 0.7), ("leermeester", 0.2)),
    SLB: (("reflectie", 0.8), ("emotionele_steun", 0.8)),
    "collega": (("emotionele_steun", 0.6), ("gastheer", 0.6), ("vakexpert", 0.4), ("rolmodel", 0.2)),
    "medestudent": (("emotionele_steun", 0.8), ("reflectie", 0.6)),
    "leidinggevende": (("gastheer", 0.7), ("rolmodel", 0.3), ("emotionele_steun", 0.2)),
    "overig": (("emotionele_steun", 0.6), ("reflectie", 0.3), ("vakexpert", 0.3)),
}
FUNCTION_COUNT_STRONG = _Weighted([(1, 0.20), (2, 0.35), (3, 0.30), (4, 0.15)])
FUNCTION_COUNT_WEAK = _Weighted([(1, 0.55), (2, 0.35), (3, 0.10)])

FREQUENCY_BY_ROLE: dict[str, _Weighted[str]] = {
    WPB: _Weighted([("dagelijks", 0.55), ("wekelijks", 0.40), ("maandelijks", 0.05)]),
    SO: _Weighted([("wekelijks", 0.35), ("maandelijks", 0.55), ("zelden", 0.10)]),
    IO: _Weighted([("wekelijks", 0.05), ("maandelijks", 0.60), ("zelden", 0.35)]),
    SLB: _Weighted([("maandelijks", 0.55), ("zelden", 0.45)]),
    "collega": _Weighted([("dagelijks", 0.45), ("wekelijks", 0.45), ("maandelijks", 0.10)]),
    "medestudent": _Weighted([("dagelijks", 0.15), ("wekelijks", 0.65), ("maandelijks", 0.20)]),
    "leidinggevende": _Weighted([("wekelijks", 0.20), ("maandelijks", 0.50), ("zelden", 0.30)]),
    "overig": _Weighted([("wekelijks", 0.30), ("maandelijks", 0.40), ("zelden", 0.30)]),
}
CONSULTATION_FREQUENCY_WPB_SO = _Weighted([("wekelijks", 0.45), ("maandelijks", 0.45), ("zelden", 0.10)])
CONSULTATION_FREQUENCY_OTHER = _Weighted([("wekelijks", 0.10), ("maandelijks", 0.50), ("zelden", 0.40)])

# --- fictitious names ------------------------------------------------------

_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("Sanne", "Lotte", "Emma", "Julia", "Anouk", "Lisa", "Femke", "Iris", "Eva", "Fleur", "Noor",
           "Sophie", "Tess", "Anna", "Marit", "Lieke", "Esther", "Ingrid", "Marieke", "Annelies", "Petra",
           "Karin", "Monique", "Wendy", "Hanneke", "Joke", "Mirjam", "Roos", "Zoë", "Maud", "Jeroen",
           "Daan", "Sem", "Lucas", "Milan", "Thijs", "Bram", "Jesse", "Ruben", "Niels", "Joris", "Pieter",
           "Maarten", "Bas", "Wouter", "Erik", "Martijn", "Sander", "Koen", "Jan", "Kees", "Gerrit",
           "Henk", "Willem", "Frank", "Rob", "Stijn", "Tim", "Luuk", "Gijs"),
    "tr": ("Emre", "Yusuf", "Elif", "Zeynep", "Mehmet", "Ayşe", "Burak", "Merve", "Kübra", "Hakan"),
    "ma": ("Mohammed", "Yassin", "Fatima", "Soufiane", "Nadia", "Hamza", "Khadija", "Imane", "Samira",
           "Bilal", "Anass", "Salma"),
    "sr": ("Shanti", "Rajesh", "Priya", "Dwayne", "Jermaine", "Chantal", "Shivani", "Giovanni", "Naomi",
           "Kenneth"),
    "pl": ("Kasia", "Piotr", "Agnieszka", "Tomasz", "Magda", "Paweł"),
    "other": ("Ahmad", "Mariam", "Dawit", "Lina", "Wei", "Mei", "Thanh", "Sara", "Omar", "Amira", "Noah",
              "Mila", "Liam", "Yara", "Rahel", "Hassan"),
}
# (tussenvoegsel, surname)
_SURNAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (("van", "Dijk"), ("de", "Vries"), ("van der", "Berg"), ("van den", "Broek"), ("de", "Jong"),
           ("", "Jansen"), ("", "Bakker"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"),
           ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
           ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"),
           ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"),
           ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
           ("van den", "Bosch"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
           ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"),
           ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Postma"),
           ("", "Kuipers"), ("in 't", "Veld"), ("ter", "Horst"), ("", "Zwart"), ("van", "Rijn")),
    "tr": (("", "Yilmaz"), ("", "Kaya"), ("", "Demir"), ("", "Öztürk"), ("", "Çelik"), ("", "Şahin")),
    "ma": (("", "El Amrani"), ("", "Bouzid"), ("", "Benali"), ("", "El Idrissi"), ("", "Ait Said"),
           ("", "Haddou")),
    "sr": (("", "Ramdin"), ("", "Sewnath"), ("", "Martina"), ("", "Pinas"), ("", "Kromodikoro"),
           ("", "Lachman")),
    "pl": (("", "Kowalski"), ("", "Nowak"), ("", "Wiśniewska"), ("", "Zieliński")),
    "other": (("", "Nguyen"), ("", "Tesfaye"), ("", "Haddad"), ("", "Rahimi"), ("", "Chen"),
              ("", "Hosseini"), ("", "Mensah"), ("", "Ali")),
}
_BACKGROUND = _Weighted([("nl", 0.72), ("tr", 0.06), ("ma", 0.07), ("sr", 0.06), ("pl", 0.03), ("other", 0.06)])

_PLACES: tuple[str, ...] = (
    "Lindehoven", "Berkendam", "Waalbergen", "Zuiderveld", "Noordhaven", "Eikenrode", "Veldhoeve",
    "Sluisdijk", "Marenburg", "Wilgendaal", "Kromme Aa", "Heidewoude", "Oostervaart", "Beekzande",
    "Rietmeer", "Duinkerk", "Esdonk", "Molenrade", "Vlietstede", "Hazelbrook", "Peelhorst", "Dijkhuizen",
    "Brakel aan Zee", "Ooievaarsdam", "Zandvliet-Oost", "Grauwmeer", "Stroomdal", "Klaverveen",
    "Hunzeloo", "Winterwijde",
)
_PO_TYPES: tuple[str, ...] = ("Basisschool", "OBS", "CBS", "Kindcentrum", "IKC")
_PO_NAMES: tuple[str, ...] = (
    "De Regenboog", "De Vlinder", "Het Kompas", "De Springplank", "De Wilgenhoek", "Het Palet",
    "De Zonnewijzer", "De Klimop", "Het Anker", "De Horizon", "De Vuurtoren", "Het Mozaïek",
)
_VO_TYPES: tuple[str, ...] = (
    "Stedelijk College", "Lyceum", "Scholengemeenschap", "Christelijk College", "Vakcollege",
    "Stedelijk Gymnasium",
)
_MBO_TYPES: tuple[str, ...] = ("ROC", "Vakschool", "MBO College")
_INSTITUTE_TYPES: tuple[str, ...] = ("Hogeschool", "Universitaire Lerarenopleiding")

# Programmes by school sector.
PROGRAMMES_BY_SECTOR: dict[str, _Weighted[str]] = {
    "po": _Weighted([("pabo", 1.0)]),
    "vo": _Weighted([("tweedegraads", 0.60), ("eerstegraads", 0.30), ("zij-instroom", 0.10)]),
    "mbo": _Weighted([("tweedegraads", 0.85), ("zij-instroom", 0.15)]),
}
STUDY_YEARS_BY_PROGRAMME: dict[str, _Weighted[str]] = {
    "pabo": _Weighted([("1", 0.15), ("2", 0.25), ("3", 0.30), ("4", 0.30)]),
    "tweedegraads": _Weighted([("1", 0.15), ("2", 0.25), ("3", 0.30), ("4", 0.30)]),
    "eerstegraads": _Weighted([("1", 0.6), ("2", 0.4)]),
    "zij-instroom": _Weighted([("1", 0.7), ("2", 0.3)]),
}
SCHOOL_SECTOR_SHARE: tuple[tuple[str, float], ...] = (("po", 0.50), ("mbo", 0.12))  # the rest vo

# --- contact notes: what happens, and how it feels ---------------------------

# (frequency it fits, or None for any; what happens)
_CONTACT_WHAT: dict[str, tuple[tuple[str | None, str], ...]] = {
    WPB: (("dagelijks", "Dagelijks kort contact voor en na de les"),
          ("dagelijks", "We geven samen les en bespreken dat direct na"),
          ("dagelijks", "Korte check-in in de pauze"),
          ("wekelijks", "Wekelijks nabespreking na de les"),
          ("wekelijks", "Vast overleg op maandagochtend"),
          ("wekelijks", "Samen lessen voorbereiden in de sectiekamer"),
          ("maandelijks", "Lesbezoek en nagesprek om de paar weken"),
          ("zelden", "Zien elkaar weinig door verschillende roosters"),
          (None, "Feedback via het lesbezoekformulier")),
    SO: (("wekelijks", "Wekelijkse intervisie met de studentengroep"),
         ("maandelijks", "Maandelijks voortgangsgesprek"),
         ("maandelijks", "Opleidingsbijeenkomsten op school"),
         ("zelden", "Alleen bij de start en bij de beoordeling gesproken"),
         (None, "Gesprek over het portfolio")),
    IO: (("wekelijks", "Wekelijks online spreekuur"),
         ("maandelijks", "Online begeleidingsgesprek"),
         ("maandelijks", "Terugkomdag op de opleiding"),
         ("zelden", "Eén schoolbezoek dit semester"),
         (None, "Feedback op lesvideo's"),
         (None, "Driegesprek met de werkplekbegeleider")),
    SLB: (("maandelijks", "Maandelijks online gesprek via Teams"),
          ("zelden", "Studieloopbaangesprek één keer per periode"),
          (None, "Groepsbijeenkomst op de opleiding"),
          (None, "Mailcontact over planning en studievoortgang")),
    "collega": (("dagelijks", "Samen koffie in de pauze"),
                ("wekelijks", "Samen pleinwacht"),
                ("wekelijks", "Sectieoverleg"),
                (None, "Parallelcollega, we stemmen lessen af"),
                (None, "Loop even binnen na een lastige les")),
    "medestudent": (("wekelijks", "Samen reizen naar de opleiding"),
                    (None, "Appgroep en samen lessen voorbereiden"),
                    (None, "Intervisiegroep op de opleiding"),
                    (None, "Bellen na een zware dag")),
    "leidinggevende": (("maandelijks", "Teamvergadering"),
                       ("zelden", "Gesprek over een baan na de opleiding"),
                       (None, "Kennismakingsgesprek en af en toe op de gang")),
    "overig": ((None, "Thuis aan de keukentafel"), (None, "Af en toe een kop koffie"), (None, "Via de telefoon")),
}
# How it feels, by mood: the klik ("" = not asked), or `geen` / `negatief`.
_ATMOSPHERE: dict[str, tuple[str, ...]] = {
    "ja": ("open sfeer", "prettige samenwerking", "voelt vertrouwd", "veel ruimte voor vragen",
           "eerlijke feedback", "ontspannen en serieus"),
    "twijfel": ("soms wat afstandelijk", "moet nog groeien", "wisselend", "weet niet goed wat ik mag vragen"),
    "nee": ("stroef contact", "voel me niet gehoord", "weinig klik", "gesprekken blijven oppervlakkig"),
    "": ("fijn contact", "informeel en laagdrempelig", "gezellig"),
    "geen": ("komt er weinig van", "contact is beperkt", "afspraken gaan vaak niet door"),
    "negatief": ("ik word er onzeker van", "vooral kritiek, weinig steun", "ga er met tegenzin heen"),
}
NOTE_SHARE = 0.8


# --- the dataset being built -------------------------------------------------


@dataclass(slots=True)
class _Tie:
    """One trainee–person relationship as it evolves over the waves."""

    person: str
    role: str
    formal: bool
    strength: str
    klik: str
    contribution: str
    functions: tuple[str, ...]
    assesses: bool
    frequency: str
    slot: str
    what: str = ""  # "" = no contact note
    what_frequency: str | None = None
    mood: str = ""  # the mood `feel` was chosen for; "?" = not yet
    feel: str = ""  # wpb, wpb2, so, io, slb or informal: which consultation rule applies


@dataclass(slots=True)
class _Trainee:
    trainee_id: str
    school: int
    institute: int
    cohort: str
    programme: str
    mentors: dict[str, str] = field(default_factory=dict)  # slot -> person_id


@dataclass
class _Plan:
    """Trainees chosen up front so that rare signals surely occur.

    missing: trainee index -> formal role they lack entirely (missing_formal).
    single_support: all strong support hangs on the werkplekbegeleider
    (single_point_of_failure). forced_no_klik: (trainee index, slot) pairs
    whose formal mentor has no klik (mentor_no_klik_repeated).
    """

    missing: dict[int, str]
    single_support: frozenset[int]
    no_last_wave: frozenset[int]
    difficult_mentors: frozenset[str]
    forced_no_klik: frozenset[tuple[int, str]]


class _Builder:
    def __init__(self, n_trainees: int, seed: int):
        if n_trainees < 1:
            raise ValueError("n_trainees must be at least 1")
        self.n = n_trainees
        self.rng = random.Random(seed)
        self.seed = seed
        self.emails_used: dict[str, int] = {}
        self.people: dict[str, list[str]] = {c: [] for c in
                                             ("person_id", "name", "role", "school_id", "institute_id",
                                              "orientation", "email")}
        self.person_width = 5
        self.person_count = 0
        self.school_ids: list[str] = []
        self.institute_ids: list[str] = []
        self.school_domains: list[str] = []
        # Rows as tuples (one append per row keeps 100,000 trainees fast).
        self.rel_rows: list[tuple[str, ...]] = []
        self.cons_rows: list[tuple[str, str, str, str, str]] = []
        self.need_rows: list[tuple[str, str, str]] = []
        # Transition probabilities per formal role (see WEAKENING_SHARE).
        self.transitions: dict[str, dict[str, tuple[float, float]]] = {
            role: _transitions(shares) for role, shares in STRENGTH_BY_ROLE.items()
        }
        self.strength_pick: dict[str, _Weighted[str]] = {
            role: _Weighted(list(zip(("sterk", "zwak", "geen"), shares)))
            for role, shares in STRENGTH_BY_ROLE.items()
        }
        self.function_pick = {role: _Weighted(pairs) for role, pairs in FUNCTIONS_BY_ROLE.items()}

    # -- names and ids --

    def _name(self) -> tuple[str, str]:
        """A fictitious full name and the local part of an email address."""
        rng = self.rng
        background = _BACKGROUND.pick(rng)
        first = _choice(rng, _FIRST_NAMES[background])
        prefix, surname = _choice(rng, _SURNAMES[background])
        full = f"{first} {prefix} {surname}" if prefix else f"{first} {surname}"
        local = f"{_ascii_slug(first)}.{_ascii_slug(prefix + surname)}"
        return full, local

    def _email(self, local: str, domain: str) -> str:
        address = f"{local}@{domain}"
        count = self.emails_used.get(address, 0) + 1
        self.emails_used[address] = count
        if count == 1:
            return address
        return f"{local}{count}@{domain}"

    def _new_person(self, role: str, school_id: str = "", institute_id: str = "",
                    orientation: str = "", email_domain: str | None = None) -> str:
        self.person_count += 1
        person_id = f"P{self.person_count:0{self.person_width}d}"
        name, local = self._name()
        people = self.people
        people["person_id"].append(person_id)
        people["name"].append(name)
        people["role"].append(role)
        people["school_id"].append(school_id)
        people["institute_id"].append(institute_id)
        people["orientation"].append(orientation)
        people["email"].append(self._email(local, email_domain) if email_domain else "")
        return person_id

    # -- the whole dataset --

    def build(self) -> dict[str, pd.DataFrame]:
        rng = self.rng
        n = self.n
        n_schools = max(MIN_SCHOOLS, (n + TRAINEES_PER_SCHOOL // 2) // TRAINEES_PER_SCHOOL)
        n_institutes = min(MAX_INSTITUTES, max(1, (n + TRAINEES_PER_INSTITUTE // 2) // TRAINEES_PER_INSTITUTE))
        school_ids = _ids("S", n_schools, 2)
        institute_ids = _ids("I", n_institutes, 1)
        sectors = _school_sectors(n_schools, rng)
        schools = {
            "school_id": school_ids,
            "name": _school_names(sectors, rng),
            "sector": sectors,
        }
        institutes = {"institute_id": institute_ids, "name": _institute_names(n_institutes, rng)}
        school_domains = [f"{sid.lower()}.{EMAIL_DOMAIN}" for sid in school_ids]
        institute_domains = [f"{iid.lower()}.{EMAIL_DOMAIN}" for iid in institute_ids]
        self.school_ids, self.institute_ids, self.school_domains = school_ids, institute_ids, school_domains

        # Each school works mainly with one institute (the partnership's
        # "koppeling"); some of its trainees come from another.
        main_institute = [i % n_institutes for i in range(n_schools)]
        _shuffle(rng, main_institute)
        school_weight = _Weighted([(i, 0.5 + rng.random()) for i in range(n_schools)])

        trainee_width = max(4, len(str(n)))
        trainees_table: dict[str, list[str]] = {c: [] for c in
                                                ("trainee_id", "name", "school_id", "institute_id", "cohort",
                                                 "programme", "study_year", "email")}
        trainees: list[_Trainee] = []
        for index in range(n):
            # Every school gets trainees first, then the rest by school size.
            school = index if index < n_schools else school_weight.pick(rng)
            institute = main_institute[school]
            if n_institutes > 1 and rng.random() < 0.2:
                institute = int(rng.random() * n_institutes)
            cohort = COHORT_OLD if rng.random() < 0.5 else COHORT_NEW
            programme = PROGRAMMES_BY_SECTOR[sectors[school]].pick(rng)
            trainee_id = f"T{index + 1:0{trainee_width}d}"
            name, local = self._name()
            trainees_table["trainee_id"].append(trainee_id)
            trainees_table["name"].append(name)
            trainees_table["school_id"].append(school_ids[school])
            trainees_table["institute_id"].append(institute_ids[institute])
            trainees_table["cohort"].append(cohort)
            trainees_table["programme"].append(programme)
            trainees_table["study_year"].append(STUDY_YEARS_BY_PROGRAMME[programme].pick(rng))
            trainees_table["email"].append(self._email(local, STUDENT_DOMAIN))
            trainees.append(_Trainee(trainee_id, school, institute, cohort, programme))

        # Person ids get one width, so they sort: from a sure upper bound of
        # how many people a trainee can bring in (5 mentors, each at most one
        # per trainee; 4 informal at first and 2 per later wave; a new
        # werkplekbegeleider per later wave).
        self.person_width = max(5, len(str(n * MAX_PEOPLE_PER_TRAINEE)))
        by_school: list[list[int]] = [[] for _ in range(n_schools)]
        by_institute: list[list[int]] = [[] for _ in range(n_institutes)]
        for index, trainee in enumerate(trainees):
            by_school[trainee.school].append(index)
            by_institute[trainee.institute].append(index)

        educators: dict[str, list[int]] = {}  # SO / IO / SLB person -> trainee indices
        for school, members in enumerate(by_school):
            sid, domain = school_ids[school], school_domains[school]
            order = members[:]
            _shuffle(rng, order)
            for group in _split_even(order, TRAINEES_PER_EDUCATOR):
                person = self._new_person(SO, school_id=sid, orientation=self._orientation(SO),
                                          email_domain=domain)
                educators[person] = group
                for index in group:
                    trainees[index].mentors["so"] = person
            _shuffle(rng, order)
            for group in _split_sizes(order, WPB_GROUP_SIZE, rng):
                person = self._new_person(WPB, school_id=sid, orientation=self._orientation(WPB),
                                          email_domain=domain)
                for index in group:
                    trainees[index].mentors["wpb"] = person
            # One in ten has a second werkplekbegeleider (a duo placement).
            seconds = [index for index in members if rng.random() < SECOND_WPB_SHARE]
            for group in _split_sizes(seconds, WPB_GROUP_SIZE, rng):
                person = self._new_person(WPB, school_id=sid, orientation=self._orientation(WPB),
                                          email_domain=domain)
                for index in group:
                    trainees[index].mentors["wpb2"] = person
        for institute, members in enumerate(by_institute):
            iid, domain = institute_ids[institute], institute_domains[institute]
            # An instituutsopleider visits a few schools: group by school.
            order = sorted(members, key=lambda i: (trainees[i].school, i))
            for group in _split_even(order, TRAINEES_PER_EDUCATOR):
                person = self._new_person(IO, institute_id=iid, orientation=self._orientation(IO),
                                          email_domain=domain)
                educators[person] = group
                for index in group:
                    trainees[index].mentors["io"] = person
            # A studieloopbaanbegeleider has a study group: by cohort and programme.
            order = sorted(members, key=lambda i: (trainees[i].cohort, trainees[i].programme, i))
            for group in _split_even(order, TRAINEES_PER_EDUCATOR):
                person = self._new_person(SLB, institute_id=iid, orientation=self._orientation(SLB),
                                          email_domain=domain)
                educators[person] = group
                for index in group:
                    trainees[index].mentors["slb"] = person

        plan = self._plan(trainees, educators)
        informal_pools: dict[tuple[str, int], list[str]] = {}
        for index, trainee in enumerate(trainees):
            self._trainee_waves(index, trainee, plan, informal_pools)

        tables = {
            "functions": _functions_table(),
            "schools": schools,
            "institutes": institutes,
            "trainees": trainees_table,
            "people": self.people,
            "relationships": _columns(REL_COLUMNS, self.rel_rows),
            "consultations": _columns(CONS_COLUMNS, self.cons_rows),
            "needs": _columns(NEED_COLUMNS, self.need_rows),
            "norm_roles": _norm_roles_table(),
            "norm_consultations": _norm_consultations_table(),
        }
        tables.update(_steps_5_and_6(tables, self.seed))
        return {name: pd.DataFrame(columns, dtype="str") for name, columns in tables.items()}

    def _orientation(self, role: str) -> str:
        if self.rng.random() < ORIENTATION_SHARE[role]:
            return ORIENTATION.pick(self.rng)
        return ""

    def _plan(self, trainees: list[_Trainee], educators: dict[str, list[int]]) -> _Plan:
        rng = self.rng
        n = len(trainees)
        indices = list(range(n))
        missing_count = max(1, round(n * MISSING_FORMAL_SHARE)) if n >= 10 else 0
        chosen = sorted(_sample(rng, indices, missing_count))
        missing = {index: MISSING_FORMAL_ROLE.pick(rng) for index in chosen}
        # Single support needs the werkplekbegeleider, so not among those missing one.
        candidates = [i for i in indices if missing.get(i) != WPB]
        single_count = min(len(candidates), max(1, round(n * SINGLE_SUPPORT_SHARE))) if n >= 10 else 0
        single_support = frozenset(_sample(rng, candidates, single_count))
        old = [i for i in indices if trainees[i].cohort == COHORT_OLD]
        no_last_wave = frozenset(_sample(rng, old, round(len(old) * NO_LAST_WAVE_SHARE)))

        # Difficult mentors: educators with at least two trainees of one
        # cohort; two of those surely have no klik with them.
        eligible: list[tuple[str, list[int]]] = []
        for person, group in educators.items():  # insertion order: deterministic
            for cohort in (COHORT_OLD, COHORT_NEW):
                same = [i for i in group if trainees[i].cohort == cohort
                        and missing.get(i) != _slot_role(trainees[i], person)]
                if len(same) >= 2:
                    eligible.append((person, same))
                    break
        difficult_count = min(len(eligible), max(1, round(len(educators) * DIFFICULT_EDUCATOR_SHARE)))
        if n < 10:
            difficult_count = 0
        difficult = sorted(_sample(rng, range(len(eligible)), difficult_count))
        forced: set[tuple[int, str]] = set()
        difficult_people: list[str] = []
        for position in difficult:
            person, same = eligible[position]
            difficult_people.append(person)
            for index in _sample(rng, same, 2):
                forced.add((index, _slot_of(trainees[index], person)))
        return _Plan(missing, single_support, no_last_wave, frozenset(difficult_people), frozenset(forced))

    # -- one trainee over their waves --

    def _trainee_waves(self, index: int, trainee: _Trainee, plan: _Plan,
                       pools: dict[tuple[str, int], list[str]]) -> None:
        rng = self.rng
        waves = COHORT_WAVES[trainee.cohort]
        if index in plan.no_last_wave:
            waves = waves[:-1]
        missing_role = plan.missing.get(index)
        ties: list[_Tie] = []
        for slot, role in (("wpb", WPB), ("wpb2", WPB), ("so", SO), ("io", IO), ("slb", SLB)):
            person = trainee.mentors.get(slot)
            if person is None or (missing_role == role and slot != "wpb2"):
                continue
            if missing_role == WPB and slot == "wpb2":
                continue  # no werkplekbegeleider at all
            formal = not (slot == "wpb2" and rng.random() < SECOND_WPB_INFORMAL_SHARE)
            forced = (index, slot) in plan.forced_no_klik
            ties.append(self._new_formal_tie(person, role, slot, formal,
                                             person in plan.difficult_mentors, forced))
        informal: list[_Tie] = []
        for _ in range(INFORMAL_COUNT.pick(rng)):
            self._add_informal(trainee, informal, ties, pools)
        consulted: dict[tuple[str, str], bool] = {}
        single = index in plan.single_support
        for wave_number, wave in enumerate(waves):
            if wave_number > 0:
                self._rematch_without_klik(trainee, ties)
                for tie in ties:
                    if tie.formal:
                        self._evolve_formal(tie, person_difficult=tie.person in plan.difficult_mentors,
                                            forced=(index, tie.slot) in plan.forced_no_klik)
                    else:
                        self._evolve_informal(tie)
                informal = [tie for tie in informal if rng.random() < INFORMAL_PERSISTS]
                for tie in informal:
                    self._evolve_informal(tie)
                for _ in range(INFORMAL_NEW.pick(rng)):
                    if len(informal) < MAX_INFORMAL:
                        self._add_informal(trainee, informal, ties, pools)
            if single:
                self._single_support(ties, informal)
            current = sorted(ties + informal, key=lambda tie: tie.person)
            self._emit_wave(trainee.trainee_id, wave, current, consulted)

    def _rematch_without_klik(self, trainee: _Trainee, ties: list[_Tie]) -> None:
        """Without klik, the school often arranges another werkplekbegeleider
        for the next wave (domain.md: "arrange another relationship quickly")."""
        for position, tie in enumerate(ties):
            if tie.slot == "wpb" and tie.formal and tie.klik == "nee" and self.rng.random() < REMATCH_SHARE:
                person = self._new_person(WPB, school_id=self.school_ids[trainee.school],
                                          orientation=self._orientation(WPB),
                                          email_domain=self.school_domains[trainee.school])
                ties[position] = self._new_formal_tie(person, WPB, "wpb", True, difficult=False,
                                                      forced_no_klik=False)

    def _new_formal_tie(self, person: str, role: str, slot: str, formal: bool,
                        difficult: bool, forced_no_klik: bool) -> _Tie:
        rng = self.rng
        if not formal:
            # An informal second werkplekbegeleider is sought by the trainee:
            # rated like any informal tie, never negative.
            strength = INFORMAL_STRENGTH.pick(rng)
            klik = INFORMAL_KLIK.pick(rng)
            contribution = "positief"
        else:
            strength = self.strength_pick[role].pick(rng)
            if forced_no_klik and strength == "sterk":
                strength = "zwak"
            klik = self._klik(role, strength, difficult, forced_no_klik)
            contribution = self._contribution(klik)
        tie = _Tie(person=person, role=role, formal=formal, strength=strength, klik=klik,
                   contribution=contribution, functions=self._functions(role, strength),
                   assesses=rng.random() < ASSESSES_BY_ROLE[role],
                   frequency=self._frequency(role, strength), slot=slot)
        self._describe(tie)
        return tie

    def _klik(self, role: str, strength: str, difficult: bool, forced: bool) -> str:
        if forced:
            return "nee"
        if difficult and self.rng.random() < DIFFICULT_MENTOR_NO_KLIK:
            return "nee"
        table = KLIK_EDUCATOR if role in EDUCATOR_ROLES else KLIK_WPB
        return table[strength].pick(self.rng)

    def _contribution(self, klik: str) -> str:
        return "negatief" if self.rng.random() < NEGATIVE_BY_KLIK[klik] else "positief"

    def _frequency(self, role: str, strength: str) -> str:
        if strength == "geen" and self.rng.random() < 0.6:
            return "zelden"
        return FREQUENCY_BY_ROLE[role].pick(self.rng)

    def _functions(self, role: str, strength: str, minimum: int = 0) -> tuple[str, ...]:
        """1 to 4 plausible functions for the role; none for a tie rated `geen`."""
        if strength == "geen":
            return ()
        rng = self.rng
        count = (FUNCTION_COUNT_STRONG if strength == "sterk" else FUNCTION_COUNT_WEAK).pick(rng)
        weighted = self.function_pick[role]
        count = min(max(count, minimum), len(weighted.values))
        chosen: list[str] = []
        while len(chosen) < count:  # weighted draw without replacement, by rejection
            code = weighted.pick(rng)
            if code not in chosen:
                chosen.append(code)
        return tuple(sorted(chosen, key=_FUNCTION_POSITION.__getitem__))

    def _describe(self, tie: _Tie) -> None:
        """Most ties get a contact note: what happens (fixed) and how it feels."""
        if self.rng.random() < NOTE_SHARE:
            tie.mood = "?"
            self._pick_what(tie)

    def _pick_what(self, tie: _Tie) -> None:
        fitting = [item for item in _CONTACT_WHAT[tie.role] if item[0] in (None, tie.frequency)]
        tie.what_frequency, tie.what = _choice(self.rng, fitting)

    def _note(self, tie: _Tie) -> str:
        """The note for the tie as it is now; only the changed part is redrawn."""
        if not tie.what:
            return ""
        if tie.what_frequency not in (None, tie.frequency):
            self._pick_what(tie)
        mood = ("geen" if tie.strength == "geen" else "negatief" if tie.contribution == "negatief"
                else tie.klik)
        if mood != tie.mood:
            tie.mood = mood
            tie.feel = _choice(self.rng, _ATMOSPHERE[mood])
        return f"{tie.what}; {tie.feel}"

    def _evolve_formal(self, tie: _Tie, person_difficult: bool, forced: bool) -> None:
        rng = self.rng
        weaken, strengthen = self.transitions[tie.role][tie.strength]
        draw = rng.random()
        before = tie.strength
        if draw < weaken:
            tie.strength = _step(tie.strength, -1)
        elif draw < weaken + strengthen:
            tie.strength = _step(tie.strength, +1)
        if forced and tie.strength == "sterk":
            tie.strength = "zwak"
        if tie.strength != before or rng.random() >= KLIK_PERSISTS or forced:
            klik = self._klik(tie.role, tie.strength, person_difficult, forced)
            if klik != tie.klik:
                tie.klik = klik
                tie.contribution = self._contribution(klik)
        if tie.strength != before:
            if tie.strength == "geen":
                tie.functions = ()
            elif not tie.functions or tie.strength == "sterk" and rng.random() < 0.3:
                tie.functions = self._functions(tie.role, tie.strength)
            tie.frequency = self._frequency(tie.role, tie.strength)

    def _evolve_informal(self, tie: _Tie) -> None:
        if self.rng.random() < INFORMAL_CHANGES:
            strength = INFORMAL_STRENGTH.pick(self.rng)
            if strength != tie.strength:
                tie.strength = strength
                tie.functions = self._functions(tie.role, strength)

    def _add_informal(self, trainee: _Trainee, informal: list[_Tie], formal: list[_Tie],
                      pools: dict[tuple[str, int], list[str]]) -> None:
        rng = self.rng
        role = INFORMAL_ROLE.pick(rng)
        if role in ("collega", "leidinggevende"):
            key = (role, trainee.school)
        elif role == "medestudent":
            key = (role, trainee.institute)
        else:
            key = (role, 0)
        pool = pools.setdefault(key, [])
        taken = {tie.person for tie in informal} | {tie.person for tie in formal}
        person = None
        if pool and rng.random() < REUSE_INFORMAL_PERSON:
            candidate = _choice(rng, pool)
            if candidate not in taken:
                person = candidate
        if person is None:
            if role in ("collega", "leidinggevende"):
                person = self._new_person(role, school_id=self.school_ids[trainee.school],
                                          email_domain=self.school_domains[trainee.school])
            elif role == "medestudent":
                person = self._new_person(role, institute_id=self.institute_ids[trainee.institute],
                                          email_domain=STUDENT_DOMAIN)
            else:
                person = self._new_person(role)
            pool.append(person)
        strength = INFORMAL_STRENGTH.pick(rng)
        klik = INFORMAL_KLIK.pick(rng)
        tie = _Tie(person=person, role=role, formal=False, strength=strength, klik=klik,
                   contribution="positief", functions=self._functions(role, strength), assesses=False,
                   frequency=FREQUENCY_BY_ROLE[role].pick(rng), slot="informal")
        self._describe(tie)
        informal.append(tie)

    def _single_support(self, formal: list[_Tie], informal: list[_Tie]) -> None:
        """Make the werkplekbegeleider the only strong support (≥2 functions)."""
        for tie in formal + informal:
            if tie.slot == "wpb":
                tie.strength = "sterk"
                tie.contribution = "positief"
                if tie.klik == "nee":
                    tie.klik = "ja"
                if len(tie.functions) < 2:
                    tie.functions = self._functions(tie.role, "sterk", minimum=2)
            elif tie.strength == "sterk":
                tie.strength = "zwak"
                if not tie.functions:
                    tie.functions = self._functions(tie.role, "zwak")

    def _emit_wave(self, trainee_id: str, wave: str, ties: list[_Tie],
                   consulted: dict[tuple[str, str], bool]) -> None:
        rng = self.rng
        append = self.rel_rows.append
        for tie in ties:
            append((trainee_id, tie.person, wave, "ja" if tie.formal else "nee", tie.strength,
                    ";".join(tie.functions), tie.klik, tie.contribution, "ja" if tie.assesses else "nee",
                    tie.frequency, self._note(tie)))

        # Consultation between every pair of mentors with its own chance;
        # a pair that met last wave most likely meets again.
        by_slot = {tie.slot: tie.person for tie in ties if tie.slot != "informal"}
        pairs: list[tuple[str, str, float, _Weighted[str]]] = []
        for (first, second), (chance, frequency) in _CONSULTATION_RULES:
            if first in by_slot and second in by_slot:
                pairs.append((by_slot[first], by_slot[second], chance, frequency))
        if "wpb" in by_slot:
            for tie in ties:
                if tie.slot == "informal" and tie.role in ("collega", "leidinggevende"):
                    pairs.append((by_slot["wpb"], tie.person, CONSULTATION_INFORMAL, CONSULTATION_FREQUENCY_OTHER))
        met: list[tuple[str, str, str]] = []
        for a, b, chance, frequency in pairs:
            key = (a, b) if a < b else (b, a)
            before = consulted.get(key)
            if before is not None and rng.random() < CONSULTATION_PERSISTS:
                happens = before
            else:
                happens = rng.random() < chance
            consulted[key] = happens
            if happens:
                met.append((key[0], key[1], frequency.pick(rng)))
        met.sort()
        for a, b, frequency in met:
            self.cons_rows.append((trainee_id, a, b, wave, frequency))

        if rng.random() < NEEDS_SHARE:
            covered = set()
            for tie in ties:
                if tie.strength == "sterk" and tie.contribution == "positief":
                    covered.update(tie.functions)
            gaps = [code for code in FUNCTION_CODES if code not in covered]
            wanted: list[str] = []
            for _ in range(NEEDS_COUNT.pick(rng)):
                open_gaps = [code for code in gaps if code not in wanted]
                if open_gaps and rng.random() < NEED_FROM_GAP:
                    wanted.append(_choice(rng, open_gaps))
                else:
                    rest = [code for code in FUNCTION_CODES if code not in wanted]
                    wanted.append(_choice(rng, rest))
            for code in sorted(wanted, key=_FUNCTION_POSITION.__getitem__):
                self.need_rows.append((trainee_id, wave, code))


# --- steps 5 and 6: valuations and agreed actions (contract version 2) --------

# Most trainees find their network partly sufficient; those who state needs less often "ja".
SUPPORT_WITHOUT_NEEDS = _Weighted([("ja", 0.35), ("deels", 0.55), ("nee", 0.10)])
SUPPORT_WITH_NEEDS = _Weighted([("ja", 0.10), ("deels", 0.65), ("nee", 0.25)])
VALUATION_NOTE_SHARE = 0.4
_VALUATION_NOTES: dict[str, tuple[str, ...]] = {
    "ja": ("Ik voel me goed begeleid.", "Alles wat ik nodig heb is er.", "Fijne mensen om me heen."),
    "deels": ("Ik mis iemand om mee te reflecteren.", "Vakinhoudelijk kan het beter.",
              "Mijn werkplekbegeleider heeft weinig tijd.", "Op school ken ik nog weinig collega's."),
    "nee": ("Ik sta er eigenlijk alleen voor.", "Ik krijg nauwelijks feedback.",
            "Het contact met school loopt niet."),
}
ACTION_COUNT = _Weighted([(0, 0.30), (1, 0.50), (2, 0.20)])
ACTION_WITH_PERSON = 0.5
# An action of an earlier wave has mostly been done by the next; of the latest wave it is still open.
EARLIER_ACTION_STATUS = _Weighted([("gedaan", 0.55), ("vervallen", 0.15), ("open", 0.30)])
_ACTION_NOTES = ("Vragen of we elke week even kunnen afspreken.", "Bij een collega gaan kijken in de les.",
                 "Aankaarten bij de schoolopleider.", "Een intervisiegroep zoeken.", "")


def _steps_5_and_6(tables: dict[str, dict[str, list[str]]], seed: int) -> dict[str, dict[str, list[str]]]:
    """A valuation per trainee and wave with relationships, and the actions agreed in it.

    Its own random stream (from ``seed``), so the files of contract version 1
    stay exactly what they were for the same seed.
    """
    rng = random.Random(seed * 7919 + 12)
    relationships = tables["relationships"]
    people_of: dict[tuple[str, str], list[str]] = {}
    for trainee_id, person_id, wave in zip(relationships["trainee_id"], relationships["person_id"],
                                           relationships["wave"]):
        people_of.setdefault((trainee_id, wave), []).append(person_id)
    needs_of: dict[tuple[str, str], list[str]] = {}
    for trainee_id, wave, function in zip(tables["needs"]["trainee_id"], tables["needs"]["wave"],
                                          tables["needs"]["function"]):
        needs_of.setdefault((trainee_id, wave), []).append(function)
    waves_of: dict[str, list[str]] = {}
    for trainee_id, wave in people_of:
        waves_of.setdefault(trainee_id, []).append(wave)
    valuations = {c: [] for c in VALUATION_COLUMNS}
    actions = {c: [] for c in ACTION_COLUMNS}
    for key in sorted(people_of, key=lambda k: (k[0], WAVE_ORDER[k[1]])):
        trainee_id, wave = key
        needs = needs_of.get(key, [])
        support = (SUPPORT_WITH_NEEDS if needs else SUPPORT_WITHOUT_NEEDS).pick(rng)
        note = _choice(rng, _VALUATION_NOTES[support]) if rng.random() < VALUATION_NOTE_SHARE else ""
        for column, value in zip(VALUATION_COLUMNS, (trainee_id, wave, support, note)):
            valuations[column].append(value)
        if support == "ja":
            continue
        later = any(WAVE_ORDER[other] > WAVE_ORDER[wave] for other in waves_of[trainee_id])
        for number in range(1, ACTION_COUNT.pick(rng) + 1):
            function = _choice(rng, needs) if needs else _choice(rng, FUNCTION_CODES)
            person = _choice(rng, people_of[key]) if rng.random() < ACTION_WITH_PERSON else ""
            status = EARLIER_ACTION_STATUS.pick(rng) if later else "open"
            row = (trainee_id, wave, f"A{number}", function, person, _choice(rng, _ACTION_NOTES), status)
            for column, value in zip(ACTION_COLUMNS, row):
                actions[column].append(value)
    return {"valuations": valuations, "actions": actions}


VALUATION_COLUMNS = ("trainee_id", "wave", "support", "note")
ACTION_COLUMNS = ("trainee_id", "wave", "action_id", "function", "person_id", "note", "status")
WAVE_ORDER = {"begin": 0, "midden": 1, "eind": 2}


# --- small helpers -----------------------------------------------------------

REL_COLUMNS = ("trainee_id", "person_id", "wave", "formal", "strength", "functions", "klik", "contribution",
               "assesses", "contact_frequency", "contact_note")
CONS_COLUMNS = ("trainee_id", "person_a", "person_b", "wave", "frequency")
NEED_COLUMNS = ("trainee_id", "wave", "function")

_FORMAL_SLOTS = ("wpb", "wpb2", "so", "io", "slb")
# Consultation chance and frequency for each pair of mentor slots.
_CONSULTATION_RULES: tuple[tuple[tuple[str, str], tuple[float, _Weighted[str]]], ...] = tuple(
    ((first, second),
     (CONSULTATION_WPB_SO, CONSULTATION_FREQUENCY_WPB_SO) if {first, second} == {"wpb", "so"}
     else (CONSULTATION_SO_IO, CONSULTATION_FREQUENCY_OTHER) if {first, second} == {"so", "io"}
     else (CONSULTATION_OTHER_FORMAL, CONSULTATION_FREQUENCY_OTHER))
    for i, first in enumerate(_FORMAL_SLOTS) for second in _FORMAL_SLOTS[i + 1:]
)


# Only ``rng.random()`` is used: Python promises its sequence for a seed across
# versions, not that of choice/shuffle/sample. (It is also much faster.)


def _choice(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _shuffle(rng: random.Random, items: list[T]) -> None:
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]


def _sample(rng: random.Random, items: Sequence[T], count: int) -> list[T]:
    """``count`` distinct items in random order (a partial Fisher-Yates shuffle)."""
    pool = list(items)
    for i in range(count):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


def _columns(names: tuple[str, ...], rows: list[tuple[str, ...]]) -> dict[str, list[str]]:
    if not rows:
        return {name: [] for name in names}
    return {name: list(values) for name, values in zip(names, zip(*rows))}



def _transitions(shares: tuple[float, float, float]) -> dict[str, tuple[float, float]]:
    """(weaken, strengthen) chance per strength, so that WEAKENING_SHARE of the
    ties weaken each wave while the distribution ``shares`` stays put."""
    sterk, zwak, geen = shares
    weaken = WEAKENING_SHARE / (sterk + zwak)
    return {
        "sterk": (weaken, 0.0),
        "zwak": (weaken, sterk * weaken / zwak),
        "geen": (0.0, zwak * weaken / geen),
    }


def _step(strength: str, direction: int) -> str:
    order = ("geen", "zwak", "sterk")
    return order[max(0, min(2, STRENGTH_RANK[strength] + direction))]


def _slot_of(trainee: _Trainee, person: str) -> str:
    for slot, mentor in trainee.mentors.items():
        if mentor == person:
            return slot
    raise KeyError(person)


def _slot_role(trainee: _Trainee, person: str) -> str:
    slot = _slot_of(trainee, person)
    return {"wpb": WPB, "wpb2": WPB, "so": SO, "io": IO, "slb": SLB}[slot]


def _ids(prefix: str, count: int, min_width: int) -> list[str]:
    width = max(min_width, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


@functools.lru_cache(maxsize=None)  # names come from short fixed lists
def _ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if c.isascii() and c.isalnum())
    return letters.lower() or "x"


def _split_even(items: list[int], target: int) -> list[list[int]]:
    """Consecutive groups of about ``target`` (here: 10 to 25 for 17)."""
    if not items:
        return []
    groups = max(1, round(len(items) / target))
    size, extra = divmod(len(items), groups)
    result, start = [], 0
    for g in range(groups):
        end = start + size + (1 if g < extra else 0)
        result.append(items[start:end])
        start = end
    return result


def _split_sizes(items: list[int], sizes: _Weighted[int], rng: random.Random) -> list[list[int]]:
    result, start = [], 0
    while start < len(items):
        size = sizes.pick(rng)
        result.append(items[start:start + size])
        start += size
    return result


def _school_sectors(n_schools: int, rng: random.Random) -> list[str]:
    counts = {sector: round(n_schools * share) for sector, share in SCHOOL_SECTOR_SHARE}
    counts["po"] = max(1, counts["po"])
    vo = max(0, n_schools - counts["po"] - counts["mbo"])
    sectors = ["po"] * counts["po"] + ["vo"] * vo + ["mbo"] * counts["mbo"]
    sectors = sectors[:n_schools]
    _shuffle(rng, sectors)
    return sectors


def _school_names(sectors: list[str], rng: random.Random) -> list[str]:
    """Unique fictitious names; a number is added once the combinations run out."""
    po = [f"{kind} {name}, {place}" for place in _PLACES for kind in _PO_TYPES for name in _PO_NAMES]
    vo = [f"{kind} {place}" for place in _PLACES for kind in _VO_TYPES]
    mbo = [f"{kind} {place}" for place in _PLACES for kind in _MBO_TYPES]
    pools = {"po": po, "vo": vo, "mbo": mbo}
    for pool in pools.values():
        _shuffle(rng, pool)
    used = {"po": 0, "vo": 0, "mbo": 0}
    names = []
    for sector in sectors:
        pool = pools[sector]
        round_, position = divmod(used[sector], len(pool))
        used[sector] += 1
        names.append(pool[position] if round_ == 0 else f"{pool[position]} ({round_ + 1})")
    return names


def _institute_names(count: int, rng: random.Random) -> list[str]:
    """Mostly universities of applied sciences, every third a university."""
    places = list(_PLACES)
    _shuffle(rng, places)
    names = []
    for i in range(count):
        kind = _INSTITUTE_TYPES[1] if i % 3 == 2 else _INSTITUTE_TYPES[0]
        round_, position = divmod(i, len(places))
        name = f"{kind} {places[position]}"
        names.append(name if round_ == 0 else f"{name} ({round_ + 1})")
    return names


def _functions_table() -> dict[str, list[str]]:
    return {
        "code": [f.code for f in DEFAULT_FUNCTIONS],
        "label_nl": [f.label_nl for f in DEFAULT_FUNCTIONS],
        "label_en": [f.label_en for f in DEFAULT_FUNCTIONS],
        "group": [f.group for f in DEFAULT_FUNCTIONS],
        "description": [f.description for f in DEFAULT_FUNCTIONS],
    }


# The programme-specific variant, different from the default so that the
# per-programme path is exercised: a pabo expects a `sterk` schoolopleider
# (norm v2 expects `zwak` of every second-line role); a complete norm, so it
# needs no fallback to `*`.
PROGRAMME_VARIANT = "pabo"
PROGRAMME_VARIANT_STRENGTH: dict[str, str] = {SO: "sterk"}


def _norm_roles_table() -> dict[str, list[str]]:
    rows = [(DEFAULT_PROGRAMME, role, strength) for role, strength in DEFAULT_NORM_ROLES]
    rows += [(PROGRAMME_VARIANT, role, PROGRAMME_VARIANT_STRENGTH.get(role, strength))
             for role, strength in DEFAULT_NORM_ROLES]
    rows.sort()
    return {"programme": [r[0] for r in rows], "role": [r[1] for r in rows],
            "expected_strength": [r[2] for r in rows]}


def _norm_consultations_table() -> dict[str, list[str]]:
    rows = [(programme, a, b) for programme in (DEFAULT_PROGRAMME, PROGRAMME_VARIANT)
            for a, b in DEFAULT_NORM_CONSULTATIONS]
    rows.sort()
    return {"programme": [r[0] for r in rows], "role_a": [r[1] for r in rows], "role_b": [r[2] for r in rows]}


# --- public API ----------------------------------------------------------------


def generate(n_trainees: int, seed: int) -> dict[str, pd.DataFrame]:
    """Every file of the interchange contract for a fictitious partnership.

    All values are text in canonical codes ("" = empty), rows in a stable
    order (by key). Same arguments, same frames.
    """
    return _Builder(n_trainees, seed).build()


def command_generate(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "nl")
    if args.trainees < 1:
        print(t("generator.invalid_trainees", lang, value=args.trainees), file=sys.stderr)
        return 2
    tables = generate(args.trainees, args.seed)
    try:
        out = write_dataset(tables, Path(args.out))
    except OSError as error:
        print(t("generator.write_failed", lang, path=args.out, reason=error.strerror or str(error)),
              file=sys.stderr)
        return 1
    print(t("generator.done", lang, path=str(out), trainees=len(tables["trainees"]),
            people=len(tables["people"]), relationships=len(tables["relationships"]),
            schools=len(tables["schools"]), institutes=len(tables["institutes"]),
            seed=args.seed))
    return 0
