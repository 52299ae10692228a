"""Tiny hand-built datasets for the analysis tests.

``Dataset`` collects rows and writes them in one ``Database.transaction()``;
``healthy_trainee`` adds a trainee whose constellation meets the default norm
(every formal role sterk with klik, the required consultations, every function
strongly covered by more than one person), so a test changes one fact and
checks that exactly the expected signal appears. ``random_datasets`` is the
hypothesis strategy of whole datasets for the invariants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

from dashboard.core import domain
from dashboard.store.db import Database

# Test code may hold SQL inserts for fixtures (the product code keeps its SQL in queries/).
_INSERTS = {
    "schools": "INSERT INTO schools (school_id, name) VALUES (?, ?)",
    "institutes": "INSERT INTO institutes (institute_id, name) VALUES (?, ?)",
    "functions": "INSERT INTO functions (code, label_nl, label_en, \"group\", description, position) VALUES (?, ?, ?, ?, ?, ?)",
    "trainees": "INSERT INTO trainees (trainee_id, name, school_id, institute_id, cohort, programme) VALUES (?, ?, ?, ?, ?, ?)",
    "people": "INSERT INTO people (person_id, name, role) VALUES (?, ?, ?)",
    "relationships": (
        "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength, klik, contribution, assesses) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    ),
    "relationship_functions": "INSERT INTO relationship_functions (trainee_id, person_id, wave, function) VALUES (?, ?, ?, ?)",
    "consultations": "INSERT INTO consultations (trainee_id, person_a, person_b, wave) VALUES (?, ?, ?, ?)",
    "needs": "INSERT INTO needs (trainee_id, wave, function) VALUES (?, ?, ?)",
    "norm_roles": "INSERT INTO norm_roles (programme, role, expected_strength) VALUES (?, ?, ?)",
    "norm_consultations": "INSERT INTO norm_consultations (programme, role_a, role_b) VALUES (?, ?, ?)",
}

ALL_FUNCTIONS = tuple(f.code for f in domain.DEFAULT_FUNCTIONS)


@dataclass
class Dataset:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name in _INSERTS})
    with_functions: bool = True

    def school(self, school_id: str = "S1", name: str | None = None) -> Dataset:
        self.rows["schools"].append((school_id, name or f"School {school_id}"))
        return self

    def institute(self, institute_id: str = "I1", name: str | None = None) -> Dataset:
        self.rows["institutes"].append((institute_id, name or f"Instituut {institute_id}"))
        return self

    def trainee(
        self,
        trainee_id: str,
        name: str | None = None,
        school: str = "S1",
        institute: str = "I1",
        cohort: str = "2025-2026",
        programme: str | None = None,
    ) -> Dataset:
        self.rows["trainees"].append((trainee_id, name or f"Student {trainee_id}", school, institute, cohort, programme))
        return self

    def person(self, person_id: str, role: str, name: str | None = None) -> Dataset:
        if not any(row[0] == person_id for row in self.rows["people"]):
            self.rows["people"].append((person_id, name or f"Persoon {person_id}", role))
        return self

    def rel(
        self,
        trainee_id: str,
        person_id: str,
        wave: str = "begin",
        formal: bool = True,
        strength: str = "sterk",
        functions: Iterable[str] = (),
        klik: str | None = "ja",
        contribution: str = "positief",
        assesses: bool | None = None,
    ) -> Dataset:
        self.rows["relationships"].append(
            (trainee_id, person_id, wave, formal, strength, klik, contribution, assesses)
        )
        for function in functions:
            self.rows["relationship_functions"].append((trainee_id, person_id, wave, function))
        return self

    def consult(self, trainee_id: str, person_a: str, person_b: str, wave: str = "begin") -> Dataset:
        a, b = sorted((person_a, person_b))
        self.rows["consultations"].append((trainee_id, a, b, wave))
        return self

    def need(self, trainee_id: str, function: str, wave: str = "begin") -> Dataset:
        self.rows["needs"].append((trainee_id, wave, function))
        return self

    def norm_role(self, programme: str, role: str, expected_strength: str) -> Dataset:
        self.rows["norm_roles"].append((programme, role, expected_strength))
        return self

    def norm_consultation(self, programme: str, role_a: str, role_b: str) -> Dataset:
        a, b = sorted((role_a, role_b))
        self.rows["norm_consultations"].append((programme, a, b))
        return self

    def write(self, db: Database) -> Database:
        rows = dict(self.rows)
        if self.with_functions and not rows["functions"]:
            rows["functions"] = [
                (f.code, f.label_nl, f.label_en, f.group, f.description, i)
                for i, f in enumerate(domain.DEFAULT_FUNCTIONS)
            ]
        with db.transaction() as cur:
            for table, statement in _INSERTS.items():
                if rows[table]:
                    cur.executemany(statement, rows[table])
        return db


def base(school: str = "S1", institute: str = "I1") -> Dataset:
    return Dataset().school(school).institute(institute)


def healthy_trainee(
    data: Dataset,
    trainee_id: str,
    wave: str = "begin",
    *,
    cohort: str = "2025-2026",
    programme: str | None = None,
    school: str = "S1",
    institute: str = "I1",
    add_trainee: bool = True,
    skip: Iterable[str] = (),
) -> dict[str, str]:
    """A trainee meeting the default norm in ``wave``; returns role -> person_id.

    The four formal mentors get person ids ``<trainee>-wpb`` etc. Functions
    are spread so that every function is strongly covered by two people.
    ``skip`` leaves out roles (their relationships and consultations).
    """
    if add_trainee:
        data.trainee(trainee_id, school=school, institute=institute, cohort=cohort, programme=programme)
    people = {
        "werkplekbegeleider": f"{trainee_id}-wpb",
        "schoolopleider": f"{trainee_id}-so",
        "instituutsopleider": f"{trainee_id}-io",
        "studieloopbaanbegeleider": f"{trainee_id}-slb",
    }
    served = {
        "werkplekbegeleider": ("gastheer", "leermeester", "vakexpert", "rolmodel"),
        "schoolopleider": ("gastheer", "reflectie", "emotionele_steun"),
        "instituutsopleider": ("vakexpert", "reflectie", "leermeester"),
        "studieloopbaanbegeleider": ("reflectie", "emotionele_steun", "rolmodel"),
    }
    skip = set(skip)
    for role, person_id in people.items():
        if role in skip:
            continue
        data.person(person_id, role, name=f"{role.capitalize()} van {trainee_id}")
        data.rel(trainee_id, person_id, wave, formal=True, strength="sterk", functions=served[role])
    for role_a, role_b in domain.DEFAULT_NORM_CONSULTATIONS:
        if role_a not in skip and role_b not in skip:
            data.consult(trainee_id, people[role_a], people[role_b], wave)
    return {role: pid for role, pid in people.items() if role not in skip}


def single(trainee_id: str = "T1", wave: str = "begin", **kwargs) -> tuple[Dataset, dict[str, str]]:
    data = base()
    people = healthy_trainee(data, trainee_id, wave, **kwargs)
    return data, people


@st.composite
def random_datasets(
    draw,
    trainees: Mapping[str, str],
    people: Mapping[str, str],
    *,
    cohorts: Sequence[str] = ("2025-2026",),
    programmes: Sequence[str | None] = (None,),
    programme_norm: bool = False,
    waves: tuple[int, int] = (0, 3),
    max_related: int = 6,
) -> Dataset:
    """``trainees`` (id -> school) sharing ``people`` (id -> role) as mentors: each
    trainee in one of ``cohorts`` and ``programmes``, with between ``waves`` (min, max)
    waves of up to ``max_related`` rated relationships, their functions, consultations
    and needs; with ``programme_norm``, sometimes a norm of its own for pabo."""
    schools = sorted(set(trainees.values()))
    data = base(schools[0])
    for school in schools[1:]:
        data.school(school)
    for person, role in people.items():
        data.person(person, role)
    if programme_norm and draw(st.booleans()):
        for role in draw(st.lists(st.sampled_from(sorted(set(people.values()))), unique=True, min_size=1, max_size=3)):
            data.norm_role("pabo", role, draw(st.sampled_from(domain.STRENGTHS)))
        data.norm_consultation("pabo", "werkplekbegeleider", "leidinggevende")
    for trainee, school in trainees.items():
        data.trainee(trainee, school=school, cohort=draw(st.sampled_from(cohorts)),
                     programme=draw(st.sampled_from(programmes)))
        min_waves, max_waves = waves
        for wave in draw(st.lists(st.sampled_from(domain.WAVES), unique=True, min_size=min_waves, max_size=max_waves)):
            related = draw(st.lists(st.sampled_from(sorted(people)), unique=True, min_size=1, max_size=max_related))
            for person in related:
                data.rel(
                    trainee, person, wave,
                    formal=draw(st.booleans()),
                    strength=draw(st.sampled_from(domain.STRENGTHS)),
                    klik=draw(st.sampled_from([None, *domain.KLIK])),
                    contribution=draw(st.sampled_from(domain.CONTRIBUTIONS)),
                    functions=draw(st.lists(st.sampled_from(ALL_FUNCTIONS), unique=True, max_size=3)),
                )
            pairs = [(a, b) for i, a in enumerate(sorted(related)) for b in sorted(related)[i + 1:]]
            if pairs:
                for a, b in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)):
                    data.consult(trainee, a, b, wave)
            for function in draw(st.lists(st.sampled_from(ALL_FUNCTIONS), unique=True, max_size=2)):
                data.need(trainee, function, wave)
    return data
