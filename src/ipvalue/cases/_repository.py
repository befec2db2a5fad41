"""Organisation-scoped data access: every query filters on the organisation it was built with.

:class:`CaseRepository` cannot be created without an :class:`OrgScope`, and no method takes a
bare row id without adding ``org_id`` to the ``WHERE`` clause, so one organisation can never read
or change another's cases by guessing an id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ipvalue.cases import _workflow as wf
from ipvalue.cases._audit import utc_now
from ipvalue.cases._models import (
    Case,
    CaseVersion,
    Comment,
    EvidenceFile,
    Finding,
    Organisation,
    OrgSetting,
    Transition,
    User,
)
from ipvalue.core.db import insert_ignore
from ipvalue.core.errors import InputError


@dataclass(frozen=True)
class OrgScope:
    """The organisation a repository is bound to."""

    id: int
    code: str


def scope_transaction(session: Session, org: OrgScope) -> None:
    """On PostgreSQL, bind the current transaction to ``org`` for row-level security."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config('ipvalue.org_id', :id, true)"), {"id": str(org.id)})


def find_org(session: Session, code: str) -> OrgScope:
    """The organisation with ``code``. Raises InputError(--org) when unknown."""
    stmt = select(Organisation).where(Organisation.code == code)
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise InputError("--org", f"unknown organisation {code!r} (save a case or seed-demo first)")
    return OrgScope(row.id, row.code)


def ensure_org(session: Session, code: str, name: str | None = None) -> tuple[OrgScope, bool]:
    """Get or create an organisation; returns (scope, created)."""
    if not code or len(code) > 64 or not code.replace("-", "").replace("_", "").isalnum():
        raise InputError("--org", "must be 1-64 letters, digits, '-' or '_'")
    existing = session.execute(
        select(Organisation).where(Organisation.code == code)
    ).scalar_one_or_none()
    if existing is not None:
        return OrgScope(existing.id, existing.code), False
    insert_ignore(
        session,
        Organisation.__table__,  # type: ignore[arg-type]
        {"code": code, "name": name or code, "created_at": utc_now()},
    )
    return find_org(session, code), True


class CaseRepository:
    """Reads and row lookups for one organisation (writes go through ``CaseStore``)."""

    def __init__(self, session: Session, org: OrgScope) -> None:
        if not isinstance(org, OrgScope):
            raise TypeError("CaseRepository needs an OrgScope")
        self.session = session
        self.org = org
        scope_transaction(session, org)

    # users -----------------------------------------------------------------------------------
    def user(self, username: str, *, field: str = "--user") -> User:
        """The organisation's user ``username``; InputError(field) when unknown."""
        row = self.session.execute(
            select(User).where(User.org_id == self.org.id, User.username == username)
        ).scalar_one_or_none()
        if row is None:
            raise InputError(field, f"unknown user {username!r} in organisation {self.org.code}")
        return row

    def ensure_user(self, username: str, display_name: str | None = None) -> tuple[User, bool]:
        """Get or create a user of this organisation; returns (user, created)."""
        if (
            not username
            or len(username) > 64
            or not username.replace(".", "")
            .replace("-", "")
            .replace("_", "")
            .replace("@", "")
            .isalnum()
        ):
            raise InputError("--user", "must be 1-64 letters, digits, '.', '-', '_' or '@'")
        try:
            return self.user(username), False
        except InputError:
            pass
        insert_ignore(
            self.session,
            User.__table__,  # type: ignore[arg-type]
            {
                "org_id": self.org.id,
                "username": username,
                "display_name": display_name or username,
                "created_at": utc_now(),
            },
        )
        return self.user(username), True

    def username(self, user_id: int) -> str:
        row = self.session.execute(
            select(User.username).where(User.org_id == self.org.id, User.id == user_id)
        ).scalar_one()
        return str(row)

    def users(self) -> list[User]:
        return list(
            self.session.execute(
                select(User).where(User.org_id == self.org.id).order_by(User.username)
            ).scalars()
        )

    # cases and versions ----------------------------------------------------------------------
    def case(self, case_id: int) -> Case:
        """The case ``case_id`` of this organisation; InputError(CASE_ID) otherwise."""
        row = self.session.execute(
            select(Case).where(Case.org_id == self.org.id, Case.id == case_id)
        ).scalar_one_or_none()
        if row is None:
            raise InputError("CASE_ID", f"no case {case_id} in organisation {self.org.code}")
        return row

    def version(self, case_id: int, version_no: int | None = None) -> CaseVersion:
        """A version of a case (latest when ``version_no`` is None)."""
        case = self.case(case_id)
        no = case.latest_version if version_no is None else version_no
        row = self.session.execute(
            select(CaseVersion).where(
                CaseVersion.org_id == self.org.id,
                CaseVersion.case_id == case_id,
                CaseVersion.version_no == no,
            )
        ).scalar_one_or_none()
        if row is None:
            raise InputError("--version", f"case {case_id} has no version {no}")
        return row

    def versions(self, case_id: int) -> list[CaseVersion]:
        self.case(case_id)
        return list(
            self.session.execute(
                select(CaseVersion)
                .where(CaseVersion.org_id == self.org.id, CaseVersion.case_id == case_id)
                .order_by(CaseVersion.version_no)
            ).scalars()
        )

    def latest_versions(self, *, limit: int | None = None) -> list[CaseVersion]:
        """Latest version of every case, newest case first."""
        stmt = (
            select(CaseVersion)
            .join(Case, Case.id == CaseVersion.case_id)
            .where(
                Case.org_id == self.org.id,
                CaseVersion.org_id == self.org.id,
                CaseVersion.version_no == Case.latest_version,
            )
            .order_by(Case.id.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self.session.execute(stmt).scalars())

    def latest_profiles(self, *, after_version_id: int = 0) -> Sequence[Any]:
        """Columns the similarity index needs, for every case's latest version (only versions
        with an id above ``after_version_id``), in version-id order."""
        cv = CaseVersion
        stmt = (
            select(
                cv.id,
                cv.case_id,
                cv.version_no,
                cv.title,
                cv.ip_type,
                cv.jurisdiction,
                cv.tech_class,
                cv.purpose,
                cv.description,
                cv.royalty_rate,
                cv.discount_rate,
                cv.economic_life,
                cv.growth,
                cv.contribution,
            )
            .join(Case, Case.id == cv.case_id)
            .where(
                Case.org_id == self.org.id,
                cv.org_id == self.org.id,
                cv.version_no == Case.latest_version,
                cv.id > after_version_id,
            )
            .order_by(cv.id)
        )
        return list(self.session.execute(stmt).all())

    def evidence_files(self, version_id: int) -> list[EvidenceFile]:
        """Data files the version's valuation read (field, path, SHA-256 at save), in order."""
        return list(
            self.session.execute(
                select(EvidenceFile)
                .where(EvidenceFile.org_id == self.org.id, EvidenceFile.version_id == version_id)
                .order_by(EvidenceFile.id)
            ).scalars()
        )

    # review ----------------------------------------------------------------------------------
    def transitions(self, version_id: int) -> list[Transition]:
        return list(
            self.session.execute(
                select(Transition)
                .where(Transition.org_id == self.org.id, Transition.version_id == version_id)
                .order_by(Transition.id)
            ).scalars()
        )

    def state(self, version_id: int) -> str:
        """Current workflow state: the last transition's target (draft when none)."""
        last = self.session.execute(
            select(Transition.to_state)
            .where(Transition.org_id == self.org.id, Transition.version_id == version_id)
            .order_by(Transition.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return str(last) if last else wf.DRAFT

    def assignments(self, version_id: int) -> list[wf.Assignment]:
        """Reviewers assigned to a version and whether each has signed off."""
        steps = self.transitions(version_id)
        signed = {t.actor_id for t in steps if t.action in ("sign_off", "approve")}
        return [
            wf.Assignment(int(t.subject_id), str(t.role), t.subject_id in signed)
            for t in steps
            if t.action == "assign" and t.subject_id is not None
        ]

    def comments(self, version_id: int) -> list[Comment]:
        return list(
            self.session.execute(
                select(Comment)
                .where(Comment.org_id == self.org.id, Comment.version_id == version_id)
                .order_by(Comment.id)
            ).scalars()
        )

    def findings(self, version_id: int, *, latest_run_only: bool = True) -> list[Finding]:
        rows = list(
            self.session.execute(
                select(Finding)
                .where(Finding.org_id == self.org.id, Finding.version_id == version_id)
                .order_by(Finding.id)
            ).scalars()
        )
        if latest_run_only and rows:
            last = rows[-1].run_at
            rows = [r for r in rows if r.run_at == last]
        return rows

    # settings --------------------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        return {
            r.key: r.value
            for r in self.session.execute(
                select(OrgSetting).where(OrgSetting.org_id == self.org.id)
            ).scalars()
        }
