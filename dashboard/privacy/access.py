"""Who is looking: the viewer of a question, with their role and scope.

Every question the dashboard asks runs on a database handle scoped to one
``Viewer`` (``Database.scoped``): ``dashboard.store.db`` binds the viewer's scope
into every statement that reads personal data, so a filter, a URL parameter
or a trainee id outside the scope can never widen it.

| role                 | sees                                                    |
|----------------------|---------------------------------------------------------|
| ``beheerder``        | everything; imports, users, audit                       |
| ``schoolopleider``   | trainees (and their people) of their school(s)          |
| ``instituutsopleider`` | trainees of their institute(s), at every school       |
| ``management``       | aggregates only, with small groups suppressed           |
| ``werkplekbegeleider`` | the trainees their person has a formal relationship with (any wave) |
| ``student``          | their own trainee record: constellation and capture page only |

Who may capture a wave (``may_capture``): every role that sees persons, for the
trainees it sees; management never. The capture's save checks it where it
writes (``dashboard/exchange/capture.py``), not the page.

The command line and the dashboard without login (local mode, bound to
127.0.0.1) act as ``beheerder``: whoever can run them can read the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

ROLES: tuple[str, ...] = ("beheerder", "schoolopleider", "instituutsopleider", "management",
                          "werkplekbegeleider", "student")

# How the dashboard runs: local mode (no login, the machine itself) or server
# mode (login required). ``serve`` sets the variable for the app process; the
# web app reads it. Both need the names, so they live here, below both.
MODE_LOCAL = "local"
MODE_SERVER = "server"
MODE_ENV_VAR = "CONSTELLATIEMONITOR_MODE"

# Host names a local-mode dashboard answers to: the machine itself.
LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})

# Smallest group that aggregates for management and aggregate exports show.
MIN_GROUP_ENV_VAR = "CONSTELLATIEMONITOR_MIN_GROUP"
DEFAULT_MIN_GROUP = 5


class AccessDenied(Exception):
    """The viewer may not see this (a person-level question for management,
    or an unscoped statement for a restricted viewer)."""


@dataclass(frozen=True)
class Viewer:
    """The person a question is answered for.

    ``actor`` is what the audit trail records: the login email, ``lokaal``
    (local mode) or ``cli``. ``schools`` and ``institutes`` are the scope of
    a schoolopleider or instituutsopleider; a trainee is visible when their
    school or their institute is in it.
    """

    actor: str
    role: str
    schools: tuple[str, ...] = ()
    institutes: tuple[str, ...] = ()
    trainees: tuple[str, ...] = ()  # student: their own trainee id
    persons: tuple[str, ...] = ()  # werkplekbegeleider: their person id

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def sees_all_trainees(self) -> bool:
        """No scope restriction on trainees (beheerder; management sees only aggregates of them)."""
        return self.role in ("beheerder", "management")

    @property
    def sees_persons(self) -> bool:
        """Names, constellations and attention lists: every role but management."""
        return self.role != "management"

    @property
    def may_capture(self) -> bool:
        """Whether this role records constellations (for the trainees it sees): all but management."""
        return self.role != "management"

    @property
    def is_student(self) -> bool:
        """A trainee looking at their own record: the constellation and capture pages only."""
        return self.role == "student"

    @property
    def is_beheerder(self) -> bool:
        return self.role == "beheerder"

    @property
    def suppresses_small_groups(self) -> bool:
        return self.role == "management"

    def scope_params(self) -> dict[str, Any]:
        """The bound parameters every scoped statement uses (see queries/analysis/_visible.sql)."""
        return {
            "scope_all": self.sees_all_trainees,
            "scope_schools": list(self.schools),
            "scope_institutes": list(self.institutes),
            "scope_trainees": list(self.trainees),
            "scope_persons": list(self.persons),
        }


LOCAL_VIEWER = Viewer(actor="lokaal", role="beheerder")
CLI_VIEWER = Viewer(actor="cli", role="beheerder")


def min_group_size() -> int:
    """k of the small-group rule: ``$CONSTELLATIEMONITOR_MIN_GROUP``, else 5 (at least 1)."""
    raw = os.environ.get(MIN_GROUP_ENV_VAR, "").strip()
    try:
        return max(1, int(raw)) if raw else DEFAULT_MIN_GROUP
    except ValueError:
        return DEFAULT_MIN_GROUP


def viewer_for_email(db: Any, email: str | None) -> Viewer | None:
    """The viewer for a login email from the ``users`` table; None when unknown."""
    from dashboard.privacy import users  # users imports audit and pandas: only a login needs them

    if not email:
        return None
    try:
        normal = users.normalise_email(email)
    except users.UserError:
        return None
    user = users.get_user(db, normal)
    if user is None:
        return None
    return Viewer(actor=user.email, role=user.role, schools=tuple(user.schools), institutes=tuple(user.institutes),
                  trainees=tuple(user.trainees), persons=tuple(user.persons))
