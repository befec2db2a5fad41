"""Review workflow operations of the case store (rules in :mod:`ipvalue.cases._workflow`).

Each step is one audited write transaction that locks the organisation's chain head, checks
the rule against the version's recorded transitions and appends the new transition.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ipvalue.cases import _workflow as wf
from ipvalue.cases._audit import append, lock_head, utc_now
from ipvalue.cases._models import Comment, Transition
from ipvalue.cases._repository import CaseRepository, find_org
from ipvalue.core.db import run_write
from ipvalue.core.errors import InputError


class ReviewOperations:
    """Submit, assign, approve, return and comment (mixed into ``CaseStore``)."""

    engine: Engine

    def _review(
        self,
        org: str,
        case_id: int,
        version_no: int | None,
        user: str,
        decide: Any,
        *,
        subject: str | None = None,
        role: str | None = None,
        note: str = "",
    ) -> str:
        def work(session: Session) -> str:
            scope = find_org(session, org)
            head = lock_head(session, scope.id)
            repo = CaseRepository(session, scope)
            actor = repo.user(user)
            v = repo.version(case_id, version_no)
            state = repo.state(v.id)
            subj = repo.user(subject, field="--reviewer") if subject else None
            step: wf.Step = decide(
                state, actor.id, v.created_by, repo.assignments(v.id), subj.id if subj else None
            )
            t = Transition(
                org_id=scope.id,
                version_id=v.id,
                from_state=step.from_state,
                to_state=step.to_state,
                action=step.action,
                actor_id=actor.id,
                role=role,
                subject_id=subj.id if subj else None,
                note=note,
                at=utc_now(),
            )
            session.add(t)
            session.flush()
            append(
                session,
                head,
                actor=user,
                action=f"review.{step.action}",
                entity="review_transition",
                entity_id=t.id,
                payload={
                    "case_id": case_id,
                    "version_no": v.version_no,
                    "from": step.from_state,
                    "to": step.to_state,
                    "reviewer": subject,
                    "role": role,
                },
                row=t,
            )
            return step.to_state

        return run_write(self.engine, work)

    def submit(
        self, case_id: int, *, org: str, user: str, version_no: int | None = None, note: str = ""
    ) -> str:
        """Preparer submits a draft; returns the new state."""
        return self._review(
            org,
            case_id,
            version_no,
            user,
            lambda s, a, p, _asg, _sub: wf.submit(s, a, p),
            note=note,
        )

    def assign(
        self,
        case_id: int,
        *,
        org: str,
        user: str,
        reviewer: str,
        role: str = wf.PRIMARY,
        version_no: int | None = None,
    ) -> str:
        """Assign a reviewer (primary, technical or market)."""
        return self._review(
            org,
            case_id,
            version_no,
            user,
            lambda s, _a, p, asg, sub: wf.assign(s, sub, role, p, asg),
            subject=reviewer,
            role=role,
        )

    def approve(
        self, case_id: int, *, org: str, user: str, version_no: int | None = None, note: str = ""
    ) -> str:
        """An assigned reviewer signs off / approves."""
        return self._review(
            org,
            case_id,
            version_no,
            user,
            lambda s, a, p, asg, _sub: wf.approve(s, a, p, asg),
            note=note,
        )

    def return_(
        self, case_id: int, *, org: str, user: str, reason: str, version_no: int | None = None
    ) -> str:
        """An assigned reviewer returns the version to the preparer."""
        return self._review(
            org,
            case_id,
            version_no,
            user,
            lambda s, a, _p, asg, _sub: wf.return_(s, a, asg, reason),
            note=reason,
        )

    def comment(
        self,
        case_id: int,
        *,
        org: str,
        user: str,
        field: str,
        text: str,
        version_no: int | None = None,
    ) -> int:
        """Comment on one field of a version; returns the comment id."""
        if not field.strip():
            raise InputError("--field", "must name the field commented on (dotted path)")
        if not text.strip():
            raise InputError("--text", "must not be empty")

        def work(session: Session) -> int:
            scope = find_org(session, org)
            head = lock_head(session, scope.id)
            repo = CaseRepository(session, scope)
            actor = repo.user(user)
            v = repo.version(case_id, version_no)
            c = Comment(
                org_id=scope.id,
                version_id=v.id,
                field=field,
                text=text,
                author_id=actor.id,
                at=utc_now(),
            )
            session.add(c)
            session.flush()
            append(
                session,
                head,
                actor=user,
                action="review.comment",
                entity="review_comment",
                entity_id=c.id,
                payload={"case_id": case_id, "version_no": v.version_no, "field": field},
                row=c,
            )
            return c.id

        return run_write(self.engine, work)
