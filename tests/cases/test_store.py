"""Saving: the case as given, versions instead of overwrites, organisation scoping, settings."""

from __future__ import annotations

import json

import pytest
from cases_helpers import case_text, source
from sqlalchemy import Engine, text

from ipvalue.cases import CaseStore, current_revision, head_revision, migrate, parse_source
from ipvalue.core.db import read_session
from ipvalue.core.errors import InputError


def test_save_keeps_text_json_result_and_versions(store: CaseStore) -> None:
    raw = case_text(1) + "# a comment the parser drops but the store keeps\n"
    receipt = store.save(parse_source(raw, "c1.yaml"), org="acme", user="alice")
    # fake engine: 1000 × 0.03 / 0.12 = 250
    assert (receipt.case_id, receipt.version_no, receipt.value) == (1, 1, pytest.approx(250.0))
    with read_session(store.engine) as s:
        v = store.org(s, "acme").version(1)
        assert v.source_text == raw
        assert json.loads(v.case_json)["valuation_date"] == "2025-06-30"
        assert json.loads(v.result_json)["value"] == 250.0
        assert json.loads(v.resolved_json) == {"royalty_rate": 0.03, "discount_rate": 0.12}
        assert (v.software_version, v.refdata_version) == ("test", "test-refdata")
        assert (v.ip_type, v.jurisdiction, v.tech_class, v.purpose) == (
            "patent",
            "KR",
            "H01M4/04",
            "licensing",
        )
        assert (v.royalty_rate, v.discount_rate) == (0.03, 0.12)


def test_edit_creates_a_new_version_and_keeps_the_old(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    r2 = store.save(source(1, royalty=0.05), org="acme", user="alice", case_id=1)
    assert (r2.case_id, r2.version_no) == (1, 2)
    assert r2.value == pytest.approx(1000 * 0.05 / 0.12)
    with read_session(store.engine) as s:
        repo = store.org(s, "acme")
        assert [v.royalty_rate for v in repo.versions(1)] == [0.03, 0.05]
        assert repo.case(1).latest_version == 2


def test_every_query_is_scoped_to_the_organisation(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    store.save(source(2), org="globex", user="gina")
    with read_session(store.engine) as s:
        globex = store.org(s, "globex")
        assert [v.case_id for v in globex.latest_versions()] == [2]
        with pytest.raises(InputError, match="no case 1 in organisation globex"):
            globex.case(1)
        with pytest.raises(InputError, match="unknown user 'alice'"):
            globex.user("alice")
    # another organisation's case cannot get a new version or a review step either
    with pytest.raises(InputError, match="no case 1"):
        store.save(source(1), org="globex", user="gina", case_id=1)
    with pytest.raises(InputError, match="no case 1"):
        store.submit(1, org="globex", user="gina")
    assert [h.case_id for h in store.similar("globex", 2)] == []


def test_repository_cannot_be_built_without_an_organisation(store: CaseStore) -> None:
    from ipvalue.cases import CaseRepository

    with read_session(store.engine) as s, pytest.raises(TypeError):
        CaseRepository(s, 1)  # type: ignore[arg-type]


def test_unknown_org_and_bad_names_are_input_errors(store: CaseStore) -> None:
    with pytest.raises(InputError, match="unknown organisation"):
        store.verify("nobody")
    with pytest.raises(InputError) as e:
        store.save(source(1), org="bad org!", user="alice")
    assert e.value.field == "--org"
    with pytest.raises(InputError) as e:
        store.save(source(1), org="acme", user="")
    assert e.value.field == "--user"


def test_failed_valuation_stores_nothing(store: CaseStore, engine: Engine) -> None:
    def broken(case, seed=None):
        raise InputError("approaches.0.royalty_rate", "must be ≤ 1")

    bad = CaseStore(engine, evaluator=broken)
    with pytest.raises(InputError):
        bad.save(source(1), org="acme", user="alice")
    with engine.connect() as conn:
        for table in ("organisation", "case_header", "case_version", "audit_log"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_org_setting_change_is_validated_audited_and_used(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    store.set_setting(org="acme", user="alice", key="deviation_threshold", value="2.5")
    store.set_setting(org="acme", user="alice", key="deviation_threshold", value="4")
    last = store.export("acme")[-1]
    assert last["action"] == "setting.change"
    assert last["payload"] == {"key": "deviation_threshold", "old": "2.5", "new": "4"}
    for key, value, field in (
        ("deviation_threshold", "-1", "deviation_threshold"),
        ("anomaly_contamination", "0.9", "anomaly_contamination"),
        ("deviation_min_peers", "x", "deviation_min_peers"),
        ("nonsense", "1", "KEY"),
    ):
        with pytest.raises(InputError) as e:
            store.set_setting(org="acme", user="alice", key=key, value=value)
        assert e.value.field == field
    assert store.verify("acme").ok


def test_migrate_is_idempotent(engine: Engine) -> None:
    assert migrate(engine) == (None, head_revision())
    assert migrate(engine) == (head_revision(), head_revision())
    assert current_revision(engine) == head_revision()


def test_more_bad_inputs_name_their_field(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    cases = [
        (lambda: store.similar("acme", 1, top=0), "--top"),
        (lambda: store.check(1, org="acme", user="alice", version_no=7), "--version"),
        (lambda: store.submit(1, org="acme", user="alice", version_no=0), "--version"),
        (lambda: store.assign(1, org="acme", user="alice", reviewer="nobody"), "--reviewer"),
        (lambda: store.check(1, org="acme", user="ghost"), "--user"),
        (lambda: store.add_user(org="acme", actor="alice", username="has space"), "--user"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as e:
            call()
        assert e.value.field == field


def test_database_urls_are_validated() -> None:
    from ipvalue.core.db import make_engine

    for url, rule in (
        ("postgresql+asyncpg://u@h/db", "psycopg 3"),
        ("mysql://u@h/db", "unsupported"),
        ("::nonsense", "SQLAlchemy URL"),
    ):
        with pytest.raises(InputError) as e:
            make_engine(url)
        assert e.value.field == "--db" and rule in e.value.rule


def test_postgresql_row_level_security_hides_other_organisations(
    store: CaseStore, engine: Engine
) -> None:
    import uuid

    store.save(source(1), org="acme", user="alice")
    store.save(source(2), org="globex", user="gina")
    pg = engine.dialect.name == "postgresql"
    role = f"ipvalue_app_{uuid.uuid4().hex[:8]}"
    if pg:  # superusers bypass RLS: act as an ordinary role, as a deployment should
        with engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
            conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}'))
    try:
        with read_session(engine) as s:
            if pg:
                s.execute(text(f"SET LOCAL ROLE {role}"))
            store.org(s, "acme")  # binds the transaction to acme
            # queries that forget their WHERE org_id
            n = s.execute(text("SELECT count(*) FROM case_version")).scalar_one()
            seen = s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    finally:
        if pg:
            with engine.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
    if pg:
        assert (n, seen) == (1, 4)  # acme's version; its org, user, case, version entries
    else:  # SQLite has no row-level security: the repository filter is the only guard
        assert (n, seen) == (2, 8)
    with engine.connect() as conn:  # unscoped (e.g. migrations): everything
        assert conn.execute(text("SELECT count(*) FROM case_version")).scalar_one() == 2
    assert store.verify("acme").ok and store.verify("globex").ok
