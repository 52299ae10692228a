"""The product's judgement: coverage, attention signals, programme norms and
network measures. Pages and the command line call only these functions.

Every computation that SQL can do lives in ``queries/analysis/``; Python adds
what SQL cannot do well (networkx for effective size and constraint).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Which trainees (and which wave) a question is about. None = all.

    ``wave`` None means: each trainee's latest wave.
    """

    school: str | None = None
    institute: str | None = None
    cohort: str | None = None
    programme: str | None = None
    wave: str | None = None


@dataclass(frozen=True)
class Norm:
    """A programme norm (the desired constellation), see shared/domain.md.

    roles: (role, expected minimum strength) per expected formal role.
    consultations: required consultation pairs (role_a, role_b) with role_a < role_b.
    informal_counts: whether informal relationships count towards coverage.
    """

    roles: tuple[tuple[str, str], ...]
    consultations: tuple[tuple[str, str], ...]
    informal_counts: bool = True
