"""A what-if proposal for the programme norms (issue 14): how it reads, how it
lives in a URL, how it is checked, and how the beheerder adopts it.

A proposal is the in-memory norms of the analysis layer
(``{programme: analysis.Norm}``, ``"*"`` = every programme without a norm of
its own): the page, the command line and the report compute with it as with
the stored norms (``analysis.norms_for``). Nothing is stored until a
beheerder adopts it for one programme.

* **URL**: only the programmes whose norm differs from the current one, in a
  short readable code (:func:`encode`, :func:`decode`), e.g.
  ``pabo:wpb.s,so.z,io.z,slb.z:so.wpb,io.so:1``: roles with their expected
  strength (s/z/g), the required pairs, and whether informal relationships
  count (1/0); programmes separated by ``!``, their names percent-encoded.
* **Checked** by the import's own rules (``importer.validate_rows``): a
  proposal the import of ``norm_roles.csv`` / ``norm_consultations.csv``
  would refuse is refused with the same message.
* **Adopted** in one transaction that replaces the programme's norm rows and
  writes an audit row holding the previous rows, so it can be restored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

import pyarrow as pa

from dashboard.analysis import Norm, derived, load_norms
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t
from dashboard.exchange import importer
from dashboard.privacy import audit
from dashboard.store.db import Database, execute_statements

ROLE_CODES: dict[str, str] = {
    "werkplekbegeleider": "wpb", "schoolopleider": "so", "instituutsopleider": "io",
    "studieloopbaanbegeleider": "slb", "collega": "col", "medestudent": "med",
    "leidinggevende": "lg", "overig": "ov",
}
STRENGTH_CODES: dict[str, str] = {"sterk": "s", "zwak": "z", "geen": "g"}
_ROLE_OF = {short: role for role, short in ROLE_CODES.items()}
_STRENGTH_OF = {short: strength for strength, short in STRENGTH_CODES.items()}


class ProposalError(ValueError):
    """A proposal that cannot be read or that the import's rules refuse; ``messages`` in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# --- reading and writing the URL --------------------------------------------------


def _encode_norm(norm: Norm) -> str:
    roles = ",".join(f"{ROLE_CODES.get(r, r)}.{STRENGTH_CODES.get(s, s)}" for r, s in norm.roles)
    pairs = ",".join(f"{ROLE_CODES.get(a, a)}.{ROLE_CODES.get(b, b)}" for a, b in norm.consultations)
    return f"{roles}:{pairs}:{1 if norm.informal_counts else 0}"


def encode(proposal: Mapping[str, Norm], current: Mapping[str, Norm]) -> str:
    """The URL value of ``proposal``: the programmes whose norm differs from ``current``; "" = no change."""
    parts = []
    for programme in sorted(proposal):
        norm = canonical(proposal[programme])
        if programme in current and canonical(current[programme]) == norm:
            continue
        parts.append(f"{quote(programme, safe='*')}:{_encode_norm(norm)}")
    return "!".join(parts)


def decode(value: str, current: Mapping[str, Norm], lang: str = "nl") -> dict[str, Norm]:
    """``current`` with the programmes of a URL value replaced; ProposalError when it cannot be read.

    Unknown role or strength codes are passed on as they are, so that the
    check (:func:`validate`) names them in the import's words.
    """
    lang = normalise_language(lang)
    proposal = dict(current)
    if not value:
        return proposal
    for part in value.split("!"):
        fields = part.split(":")
        if len(fields) != 4 or fields[3] not in ("0", "1") or not fields[0]:
            raise ProposalError([t("programme.error.unreadable", lang, value=part)])
        programme, roles, pairs, informal = fields
        try:
            role_items = [item.split(".") for item in roles.split(",") if item]
            pair_items = [item.split(".") for item in pairs.split(",") if item]
            if any(len(item) != 2 for item in role_items + pair_items):
                raise ValueError(part)
        except ValueError:
            raise ProposalError([t("programme.error.unreadable", lang, value=part)]) from None
        proposal[unquote(programme)] = Norm(
            roles=tuple((_ROLE_OF.get(r, r), _STRENGTH_OF.get(s, s)) for r, s in role_items),
            consultations=tuple((_ROLE_OF.get(a, a), _ROLE_OF.get(b, b)) for a, b in pair_items),
            informal_counts=informal == "1",
        )
    return proposal


def canonical(norm: Norm) -> Norm:
    """The same norm with roles in role order and pairs as (a, b), a < b, sorted: equal norms compare equal."""
    order = {code: i for i, code in enumerate(domain.ROLE_CODES)}
    roles = tuple(sorted(norm.roles, key=lambda item: (order.get(item[0], len(order)), item[0])))
    pairs = tuple(sorted({(min(a, b), max(a, b)) for a, b in norm.consultations}))
    return Norm(roles=roles, consultations=pairs, informal_counts=norm.informal_counts)


def changed_programmes(proposal: Mapping[str, Norm], current: Mapping[str, Norm]) -> list[str]:
    """The programmes whose proposed norm differs from the current one, sorted."""
    return sorted(p for p in proposal if p not in current or canonical(proposal[p]) != canonical(current[p]))


# --- checking ---------------------------------------------------------------------


def _records(proposal: Mapping[str, Norm], programmes: list[str]) -> dict[str, list[list[str]]]:
    roles = [["programme", "role", "expected_strength"]]
    pairs = [["programme", "role_a", "role_b"]]
    for programme in programmes:
        norm = proposal[programme]
        roles += [[programme, role, strength] for role, strength in norm.roles]
        pairs += [[programme, a, b] for a, b in norm.consultations]
    return {"norm_roles": roles, "norm_consultations": pairs}


def validate(db: Database, proposal: Mapping[str, Norm], current: Mapping[str, Norm] | None = None,
             lang: str = "nl") -> list[str]:
    """The import's messages about the changed programmes of ``proposal``; [] = acceptable.

    A pair given twice (also as b–a) is a repeated key, a pair of one role
    with itself is refused, an unknown role or strength is named with the
    values allowed: the rules of ``norm_roles.csv`` and ``norm_consultations.csv``.
    """
    lang = normalise_language(lang)
    current = load_norms(db) if current is None else current
    programmes = changed_programmes(proposal, current)
    if not programmes:
        return []
    issues, _ = importer.validate_rows(db, _records(proposal, programmes), t("programme.proposal_source", lang))
    return [issue.message(lang) for issue in issues]


def checked(db: Database, value: str, lang: str = "nl", current: Mapping[str, Norm] | None = None) -> dict[str, Norm]:
    """The proposal of a URL value, read and checked; ProposalError with every message otherwise."""
    current = load_norms(db) if current is None else current
    proposal = decode(value, current, lang)
    messages = validate(db, proposal, current, lang)
    if messages:
        raise ProposalError(messages)
    return {p: canonical(n) for p, n in proposal.items()}


# --- adopting -------------------------------------------------------------------------


def stored_rows(db: Database, programme: str) -> dict[str, list[list[str]]]:
    """A programme's own stored norm rows: {"roles": [[role, strength]], "consultations": [[a, b]]}."""
    roles = db.query("exchange/norm/stored_norm_roles", {"programme": programme})
    pairs = db.query("exchange/norm/stored_norm_consultations", {"programme": programme})
    return {"roles": [list(r) for r in roles.itertuples(index=False)],
            "consultations": [list(p) for p in pairs.itertuples(index=False)]}


@dataclass(frozen=True)
class Adoption:
    programme: str
    previous: dict[str, list[list[str]]]
    audit_id: int


def adopt(db: Database, proposal: Mapping[str, Norm], programme: str, *, actor: str, role: str | None,
          lang: str = "nl") -> Adoption:
    """Write ``proposal[programme]`` as that programme's norm: one transaction
    that replaces its rows in norm_roles and norm_consultations and appends an
    audit row (``norm_adopt``) with the new and the previous rows (restore:
    adopt the previous rows again). Refused (ProposalError, nothing written)
    when the import's rules refuse it, or when informal relationships would not
    count: the norm tables cannot say so (stored norms always count them).
    """
    lang = normalise_language(lang)
    norm = canonical(proposal[programme])
    if not norm.informal_counts:
        raise ProposalError([t("programme.error.informal_not_storable", lang)])
    issues, staged = importer.validate_rows(db, _records({programme: norm}, [programme]),
                                            t("programme.proposal_source", lang))
    if issues:
        raise ProposalError([issue.message(lang) for issue in issues])
    previous = stored_rows(db, programme)
    tables = {
        "staged_norm_roles": pa.Table.from_pandas(staged["norm_roles"][["programme", "role", "expected_strength"]],
                                                  preserve_index=False),
        "staged_norm_consultations": pa.Table.from_pandas(staged["norm_consultations"][["programme", "role_a", "role_b"]],
                                                          preserve_index=False),
    }
    detail = {
        "programme": programme,
        "previous": previous,
        "new": {"roles": [list(r) for r in norm.roles], "consultations": [list(p) for p in norm.consultations]},
    }
    with db.transaction() as cursor:  # the full check: norm pairs must stay ordered, like an import's
        for name, table in tables.items():
            cursor.register(name, table)
        execute_statements(cursor, "exchange/norm/adopt_norm", {"programme": programme})
        audit_id = audit.record(cursor, actor, role, "norm_adopt", subject_id=programme, detail=detail)
        derived.refresh(cursor)  # every signal is judged against the norm
    return Adoption(programme=programme, previous=previous, audit_id=audit_id)


def restore_norm(previous: Mapping[str, list[list[str]]], informal_counts: bool = True) -> Norm:
    """The Norm of the previous rows an audit row keeps (``Adoption.previous``)."""
    return Norm(roles=tuple((r, s) for r, s in previous["roles"]),
                consultations=tuple((a, b) for a, b in previous["consultations"]),
                informal_counts=informal_counts)


# --- reading a norm -------------------------------------------------------------------


def describe(norm: Norm, lang: str = "nl") -> str:
    """A norm in one readable sentence: "werkplekbegeleider: sterk, schoolopleider: zwak; overleg: ...; informele relaties tellen mee"."""
    lang = normalise_language(lang)
    roles = ", ".join(f"{domain.role_label(r, lang)}: {t(f'analysis.strength.{s}', lang)}" for r, s in norm.roles)
    pairs = ", ".join(f"{domain.role_label(a, lang)} – {domain.role_label(b, lang)}" for a, b in norm.consultations)
    parts = [roles or t("programme.norm.no_roles", lang),
             t("programme.norm.consultations", lang, pairs=pairs or t("programme.norm.none", lang)),
             t("programme.norm.informal_yes" if norm.informal_counts else "programme.norm.informal_no", lang)]
    return "; ".join(parts)
