"""Review workflow rules (pure): states, allowed transitions and who may take them.

::

    draft ──submit──▶ submitted ──assign(primary)──▶ in_review ──approve──▶ approved
                                                        └──────return─────▶ returned

The preparer (author of the version) can never review it. An optional second reviewer with role
``technical`` or ``market`` must sign off before the primary reviewer's approval concludes the
review. Approved and returned versions are final: any change is saved as a new version (draft).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ipvalue.core.errors import InputError

DRAFT, SUBMITTED, IN_REVIEW, APPROVED, RETURNED = (
    "draft",
    "submitted",
    "in_review",
    "approved",
    "returned",
)
STATES = (DRAFT, SUBMITTED, IN_REVIEW, APPROVED, RETURNED)
FINAL = (APPROVED, RETURNED)
PRIMARY = "primary"
SECOND_ROLES = ("technical", "market")
ROLES = (PRIMARY, *SECOND_ROLES)


@dataclass(frozen=True)
class Assignment:
    """A reviewer assigned to a version in a role, and whether they have signed off."""

    reviewer_id: int
    role: str
    signed_off: bool


@dataclass(frozen=True)
class Step:
    """The transition to record: new state (may equal the old one for a sign-off)."""

    from_state: str
    to_state: str
    action: str


def submit(state: str, actor_id: int, preparer_id: int) -> Step:
    """The preparer submits a draft for review."""
    if state != DRAFT:
        raise InputError("state", f"only a draft can be submitted (version is {state})")
    if actor_id != preparer_id:
        raise InputError("--user", "only the preparer of the version can submit it")
    return Step(DRAFT, SUBMITTED, "submit")


def assign(
    state: str, reviewer_id: int, role: str, preparer_id: int, assignments: Sequence[Assignment]
) -> Step:
    """Assign a reviewer; assigning the primary reviewer moves ``submitted`` to ``in_review``."""
    if role not in ROLES:
        raise InputError("--role", f"must be one of {', '.join(ROLES)}")
    if state not in (SUBMITTED, IN_REVIEW):
        raise InputError("state", f"reviewers are assigned to a submitted version (it is {state})")
    if reviewer_id == preparer_id:
        raise InputError("--reviewer", "the preparer cannot review their own valuation")
    if any(a.role == role for a in assignments):
        raise InputError("--role", f"a {role} reviewer is already assigned")
    if any(a.reviewer_id == reviewer_id for a in assignments):
        raise InputError("--reviewer", "this reviewer already holds another role on the version")
    to = IN_REVIEW if role == PRIMARY else state
    return Step(state, to, "assign")


def approve(state: str, actor_id: int, preparer_id: int, assignments: Sequence[Assignment]) -> Step:
    """An assigned reviewer signs off; the primary reviewer's sign-off approves the version,
    provided every second reviewer has signed off first."""
    if actor_id == preparer_id:
        raise InputError("--user", "the preparer cannot approve their own valuation")
    if state != IN_REVIEW:
        raise InputError("state", f"only a version in review can be approved (it is {state})")
    mine = [a for a in assignments if a.reviewer_id == actor_id]
    if not mine:
        raise InputError("--user", "only a reviewer assigned to this version can approve it")
    me = mine[0]
    if me.signed_off:
        raise InputError("--user", f"already signed off as {me.role} reviewer")
    if me.role != PRIMARY:
        return Step(IN_REVIEW, IN_REVIEW, "sign_off")
    pending = [a.role for a in assignments if a.role != PRIMARY and not a.signed_off]
    if pending:
        raise InputError("state", f"waiting for the {', '.join(pending)} reviewer's sign-off")
    return Step(IN_REVIEW, APPROVED, "approve")


def return_(state: str, actor_id: int, assignments: Sequence[Assignment], reason: str) -> Step:
    """Any assigned reviewer returns a version in review to the preparer, with a reason."""
    if state != IN_REVIEW:
        raise InputError("state", f"only a version in review can be returned (it is {state})")
    if not any(a.reviewer_id == actor_id for a in assignments):
        raise InputError("--user", "only a reviewer assigned to this version can return it")
    if not reason.strip():
        raise InputError("--reason", "must say why the valuation is returned")
    return Step(IN_REVIEW, RETURNED, "return")
