"""Roles and what each may do: the permission matrix of docs/security.md.

>>> may("viewer", Permission.READ_PROTECTED)
False
>>> may("admin", Permission.EXPORT_PROTECTED)
True
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CONFIDENTIALITY", "MATRIX", "ROLES", "Permission", "Role", "may", "may_see"]


class Role(StrEnum):
    """The four roles, most powerful first."""

    ADMIN = "admin"
    ANALYST = "analyst"
    DOCUMENTER = "documenter"
    VIEWER = "viewer"


class Permission(StrEnum):
    """Things a role may be allowed to do."""

    READ = "read"  # persons, cases, sources, statistics
    IMPORT = "import"  # import lists, attach evidence
    EDIT = "edit"  # enter and correct records, record consent
    REVIEW = "review"  # approve another person's draft
    READ_PROTECTED = "read_protected"  # informant names and contacts (audited)
    READ_PERPETRATORS = "read_perpetrators"  # names of alleged perpetrators (every view audited)
    LINK = "link"  # run linkage, decide review pairs, merge and split
    ESTIMATE = "estimate"  # run estimates
    EXPORT = "export"  # export without protected fields (audited)
    EXPORT_PROTECTED = "export_protected"  # export with protected fields (audited)
    MANAGE = "manage"  # users, keys, rotation
    VERIFY = "verify"  # check the audit chain


ROLES: tuple[Role, ...] = tuple(Role)

_P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset({_P.READ, _P.READ_PERPETRATORS, _P.LINK, _P.ESTIMATE, _P.EXPORT, _P.VERIFY}),
    Role.DOCUMENTER: frozenset(
        {_P.READ, _P.IMPORT, _P.EDIT, _P.REVIEW, _P.READ_PROTECTED, _P.READ_PERPETRATORS, _P.VERIFY}
    ),
    Role.VIEWER: frozenset({_P.READ}),
}


def may(role: str, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission`` (an unknown role holds none)."""
    try:
        return permission in MATRIX[Role(role)]
    except ValueError:
        return False


CONFIDENTIALITY = ("public", "restricted", "confidential")
"""A source's levels: *public* and *restricted* (the import default: the team's, not for
publication) records are seen by every role that may read; *confidential* ones only by roles
that may read protected fields (their source is as sensitive as an informant)."""


def may_see(role: str, confidentiality: str) -> bool:
    """Whether ``role`` may see the records of a source of ``confidentiality`` (unknown: no).

    >>> may_see("viewer", "restricted"), may_see("viewer", "confidential")
    (True, False)
    >>> may_see("documenter", "confidential")
    True
    """
    if confidentiality in ("public", "restricted"):
        return may(role, Permission.READ)
    if confidentiality == "confidential":
        return may(role, Permission.READ_PROTECTED)
    return False
