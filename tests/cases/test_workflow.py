"""Review workflow: pure rules, and the same rules enforced by the store on both backends."""

from __future__ import annotations

import pytest
from cases_helpers import source

from ipvalue.cases import CaseStore
from ipvalue.cases import _workflow as wf
from ipvalue.core.db import read_session
from ipvalue.core.errors import InputError

PREP, REV, TECH = 1, 2, 3


def test_submit_only_draft_and_only_by_preparer() -> None:
    assert wf.submit(wf.DRAFT, PREP, PREP) == wf.Step("draft", "submitted", "submit")
    with pytest.raises(InputError, match="only the preparer"):
        wf.submit(wf.DRAFT, REV, PREP)
    with pytest.raises(InputError, match="only a draft"):
        wf.submit(wf.APPROVED, PREP, PREP)


def test_preparer_can_never_be_assigned_or_approve() -> None:
    with pytest.raises(InputError, match="cannot review their own") as e:
        wf.assign(wf.SUBMITTED, PREP, wf.PRIMARY, PREP, [])
    assert e.value.field == "--reviewer"
    with pytest.raises(InputError, match="cannot approve their own"):
        wf.approve(wf.IN_REVIEW, PREP, PREP, [wf.Assignment(PREP, wf.PRIMARY, False)])


def test_second_reviewer_must_sign_off_before_primary_approval() -> None:
    asg = [wf.Assignment(REV, wf.PRIMARY, False), wf.Assignment(TECH, "technical", False)]
    with pytest.raises(InputError, match="waiting for the technical"):
        wf.approve(wf.IN_REVIEW, REV, PREP, asg)
    assert wf.approve(wf.IN_REVIEW, TECH, PREP, asg).to_state == wf.IN_REVIEW
    asg[1] = wf.Assignment(TECH, "technical", True)
    assert wf.approve(wf.IN_REVIEW, REV, PREP, asg).to_state == wf.APPROVED


def test_assignment_rules() -> None:
    assert wf.assign(wf.SUBMITTED, REV, wf.PRIMARY, PREP, []).to_state == wf.IN_REVIEW
    assert wf.assign(wf.SUBMITTED, TECH, "market", PREP, []).to_state == wf.SUBMITTED
    with pytest.raises(InputError, match="must be one of") as e:
        wf.assign(wf.SUBMITTED, REV, "boss", PREP, [])
    assert e.value.field == "--role"
    with pytest.raises(InputError, match="already assigned"):
        wf.assign(wf.IN_REVIEW, TECH, wf.PRIMARY, PREP, [wf.Assignment(REV, wf.PRIMARY, False)])
    with pytest.raises(InputError, match="another role"):
        wf.assign(wf.IN_REVIEW, REV, "market", PREP, [wf.Assignment(REV, wf.PRIMARY, False)])
    with pytest.raises(InputError, match="submitted version"):
        wf.assign(wf.DRAFT, REV, wf.PRIMARY, PREP, [])


def test_return_needs_assigned_reviewer_and_reason() -> None:
    asg = [wf.Assignment(REV, wf.PRIMARY, False)]
    assert wf.return_(wf.IN_REVIEW, REV, asg, "no evidence").to_state == wf.RETURNED
    with pytest.raises(InputError, match="only a reviewer assigned"):
        wf.return_(wf.IN_REVIEW, TECH, asg, "x")
    with pytest.raises(InputError) as e:
        wf.return_(wf.IN_REVIEW, REV, asg, "  ")
    assert e.value.field == "--reason"
    with pytest.raises(InputError, match="only a version in review"):
        wf.return_(wf.SUBMITTED, REV, asg, "x")


def _team(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    for name in ("bob", "carol"):
        store.add_user(org="acme", actor="alice", username=name)


def test_full_review_with_second_reviewer_is_recorded(store: CaseStore) -> None:
    _team(store)
    store.submit(1, org="acme", user="alice", note="please review")
    store.assign(1, org="acme", user="alice", reviewer="bob")
    store.assign(1, org="acme", user="alice", reviewer="carol", role="technical")
    store.comment(
        1,
        org="acme",
        user="carol",
        field="approaches.0.royalty_rate",
        text="cite the licence comparables",
    )
    with pytest.raises(InputError, match="waiting for the technical"):
        store.approve(1, org="acme", user="bob")
    store.approve(1, org="acme", user="carol")
    assert store.approve(1, org="acme", user="bob", note="ok") == "approved"
    with read_session(store.engine) as s:
        repo = store.org(s, "acme")
        v = repo.version(1)
        steps = [(repo.username(t.actor_id), t.action, t.to_state) for t in repo.transitions(v.id)]
        assert steps == [
            ("alice", "submit", "submitted"),
            ("alice", "assign", "in_review"),
            ("alice", "assign", "in_review"),
            ("carol", "sign_off", "in_review"),
            ("bob", "approve", "approved"),
        ]
        assert all(t.at.endswith("Z") for t in repo.transitions(v.id))
        (c,) = repo.comments(v.id)
        assert (c.field, repo.username(c.author_id)) == ("approaches.0.royalty_rate", "carol")
    assert store.verify("acme").ok


def test_no_self_approval_through_the_store(store: CaseStore) -> None:
    _team(store)
    store.submit(1, org="acme", user="alice")
    with pytest.raises(InputError, match="cannot review their own"):
        store.assign(1, org="acme", user="alice", reviewer="alice")
    store.assign(1, org="acme", user="alice", reviewer="bob")
    with pytest.raises(InputError, match="cannot approve their own"):
        store.approve(1, org="acme", user="alice")
    with pytest.raises(InputError, match="only a reviewer assigned"):
        store.approve(1, org="acme", user="carol")


def test_approved_version_never_changes_an_edit_is_a_new_version(store: CaseStore) -> None:
    _team(store)
    store.submit(1, org="acme", user="alice")
    store.assign(1, org="acme", user="alice", reviewer="bob")
    store.approve(1, org="acme", user="bob")
    with read_session(store.engine) as s:
        before = store.org(s, "acme").version(1, 1).content_sha256
    # approved: no further workflow step on it, and a change is saved as version 2 (draft)
    with pytest.raises(InputError, match="only a draft"):
        store.submit(1, org="acme", user="alice", version_no=1)
    with pytest.raises(InputError, match="only a version in review"):
        store.return_(1, org="acme", user="bob", reason="late doubt", version_no=1)
    r = store.save(source(1, royalty=0.04), org="acme", user="alice", case_id=1)
    assert r.version_no == 2
    with read_session(store.engine) as s:
        repo = store.org(s, "acme")
        v1, v2 = repo.versions(1)
        assert (repo.state(v1.id), repo.state(v2.id)) == ("approved", "draft")
        assert v1.content_sha256 == before and v1.royalty_rate == 0.03


def test_returned_version_goes_back_with_reason(store: CaseStore) -> None:
    _team(store)
    store.submit(1, org="acme", user="alice")
    store.assign(1, org="acme", user="alice", reviewer="bob")
    assert store.return_(1, org="acme", user="bob", reason="rate unsupported") == "returned"
    with pytest.raises(InputError, match="only a version in review"):
        store.approve(1, org="acme", user="bob")
    with read_session(store.engine) as s:
        repo = store.org(s, "acme")
        assert repo.transitions(repo.version(1).id)[-1].note == "rate unsupported"


def test_comment_needs_field_and_text(store: CaseStore) -> None:
    _team(store)
    with pytest.raises(InputError) as e:
        store.comment(1, org="acme", user="bob", field=" ", text="x")
    assert e.value.field == "--field"
    with pytest.raises(InputError) as e:
        store.comment(1, org="acme", user="bob", field="value", text="")
    assert e.value.field == "--text"
    with pytest.raises(InputError, match="unknown user 'zed'"):
        store.comment(1, org="acme", user="zed", field="value", text="hi")
