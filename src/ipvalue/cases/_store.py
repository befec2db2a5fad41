"""The case store: save, check, review and audit, each write in one audited transaction.

Slow work (valuing the case, fitting the similarity index and anomaly forest) happens before
the write transaction; the transaction itself locks the organisation's audit-chain head, writes
the rows and their audit entries, and commits or leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from ipvalue.cases._anomaly import AnomalyModel, scan_case_base
from ipvalue.cases._audit import (
    AuditReport,
    Checkpoint,
    append,
    canonical_json,
    iter_entries,
    lock_head,
    sha256_hex,
    utc_now,
    verify_chain,
)
from ipvalue.cases._checks import (
    QualityFinding,
    completeness,
    method_selection,
    recalculation,
    terminal_share,
)
from ipvalue.cases._config import CheckSettings, parse_setting
from ipvalue.cases._deviation import Peer, deviation_findings
from ipvalue.cases._evidence import (
    EvidenceRecord,
    check_evidence,
    record_evidence,
    with_recorded_paths,
)
from ipvalue.cases._index_cache import IndexState, append_state, load_state, save_state
from ipvalue.cases._intake import (
    KEY_PARAMETERS,
    CaseProfile,
    CaseSource,
    Evaluation,
    Evaluator,
    engine_evaluator,
    profile_case,
)
from ipvalue.cases._migrate import ensure_schema
from ipvalue.cases._models import (
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    Case,
    CaseVersion,
    EvidenceFile,
    Finding,
    Organisation,
    OrgSetting,
)
from ipvalue.cases._repository import CaseRepository, ensure_org, find_org, scope_transaction
from ipvalue.cases._review import ReviewOperations
from ipvalue.cases._similar import CaseDoc, SimilarCase, SimilarityIndex
from ipvalue.core.db import read_session, run_write
from ipvalue.core.errors import InputError

PARAMS = tuple(KEY_PARAMETERS)


@dataclass(frozen=True)
class SaveReceipt:
    """What a save stored: identity of the new version, its value and its findings."""

    case_id: int
    version_no: int
    version_id: int
    value: float | None
    currency: str | None
    findings: tuple[QualityFinding, ...]


_STATES: dict[tuple[str, int], IndexState] = {}


def _doc(r: Any) -> CaseDoc:
    return CaseDoc(
        r.case_id,
        r.version_no,
        r.title,
        r.ip_type,
        r.jurisdiction,
        r.tech_class,
        r.purpose,
        r.description,
        {p: getattr(r, p) for p in PARAMS},
    )


class CaseStore(ReviewOperations):
    """Entry point of the case database for the CLI (and later the API and web pages).

    Parameters
    ----------
    engine : Engine
        From :func:`ipvalue.core.db.make_engine`; migrated on construction when ``migrate``.
    evaluator : callable
        Values a parsed case (default: the valuation engine, :func:`ipvalue.value`).
    """

    def __init__(
        self, engine: Engine, *, evaluator: Evaluator = engine_evaluator, migrate: bool = True
    ) -> None:
        self.engine = engine
        self.evaluator = evaluator
        if migrate:
            ensure_schema(engine)

    # --------------------------------------------------------------------------- reading
    def org(self, session: Session, code: str) -> CaseRepository:
        """A repository bound to organisation ``code`` (InputError if unknown)."""
        return CaseRepository(session, find_org(session, code))

    def index(self, repo: CaseRepository) -> SimilarityIndex:
        """The organisation's similarity index (see :meth:`index_state`)."""
        return self.index_state(repo).index

    def index_state(self, repo: CaseRepository, *, rebuild: bool = False) -> IndexState:
        """The organisation's similarity index and anomaly models, kept per process and on disk.

        Taken from this process, else from the persisted file (``_index_cache``) when the audit
        chain still has the entry it was taken at, else built from every case's latest version.
        Then extended with the versions saved since (found by version id: writers of one
        organisation are serialised, so ids grow in commit order), which are appended to the
        persisted file's log. Rebuilt in full — refitting the TF-IDF weights and, lazily, the
        anomaly forests — once the share of appended rows passes the setting
        ``cases_index_rebuild_share``, or when ``rebuild`` (``cases reindex``).
        """
        from ipvalue.core.settings import get_settings

        head = repo.session.get(AuditHead, repo.org.id)
        seq, head_hash = (head.seq, head.hash) if head else (0, "")
        url = self.engine.url.render_as_string(hide_password=True)
        key = (url, repo.org.id)
        state = None if rebuild else _STATES.get(key)
        if state is not None and (state.seq, state.head_hash) == (seq, head_hash):
            return state
        if not rebuild and (state is None or not self._same_history(repo, state, seq)):
            state = load_state(url, repo.org.id)
            if state is not None and not self._same_history(repo, state, seq):
                state = None
        if state is not None:
            rows = repo.latest_profiles(after_version_id=state.last_id)
            docs = [_doc(r) for r in rows]
            state.index.extend(docs)
            if state.index.appended_share <= get_settings().cases_index_rebuild_share:
                after = state.last_id
                state.last_id = max([after, *(r.id for r in rows)])
                state.seq, state.head_hash = seq, head_hash
                _STATES[key] = state
                if docs:
                    append_state(url, repo.org.id, state, docs, after)
                return state
        rows = repo.latest_profiles()
        last = max([0, *(r.id for r in rows)])
        state = IndexState(seq, head_hash, last, last, SimilarityIndex([_doc(r) for r in rows]))
        _STATES[key] = state
        save_state(url, repo.org.id, state)
        return state

    @staticmethod
    def _same_history(repo: CaseRepository, state: IndexState, seq: int) -> bool:
        """True when the audit entry at ``state.seq`` still has the hash the state recorded."""
        if state.seq == 0:
            return seq >= 0 and state.head_hash == ""
        if state.seq > seq:
            return False
        found = repo.session.execute(
            select(AuditEntry.hash).where(
                AuditEntry.org_id == repo.org.id, AuditEntry.seq == state.seq
            )
        ).scalar_one_or_none()
        return found == state.head_hash

    def reindex(self, org: str) -> IndexState:
        """Rebuild the organisation's similarity index now (TF-IDF refitted on every case's
        latest version; anomaly forests refitted when next needed) and persist it."""
        with read_session(self.engine) as session:
            return self.index_state(self.org(session, org), rebuild=True)

    def anomaly_model(self, repo: CaseRepository, cfg: CheckSettings) -> AnomalyModel:
        """Anomaly forests for the organisation's seed and contamination, fitted once per
        index build on the latest versions then indexed (persisted with the index)."""
        state = self.index_state(repo)
        key = (cfg.anomaly_seed, cfg.anomaly_contamination)
        models = state.anomaly_models()
        model = models.get(key)
        if model is None:
            model = AnomalyModel(
                state.index.param_rows(),
                PARAMS,
                seed=cfg.anomaly_seed,
                contamination=cfg.anomaly_contamination,
                fitted_through=state.last_id,
            )
            models[key] = model
        return model

    def similar(self, org: str, query: int | CaseSource, *, top: int = 10) -> list[SimilarCase]:
        """Cases most similar to stored case ``query`` (its latest version) or to a case file."""
        if top <= 0:
            raise InputError("--top", "must be a positive integer")
        with read_session(self.engine) as session:
            repo = self.org(session, org)
            if isinstance(query, int):
                v = repo.version(query)
                prof = profile_case(json.loads(v.case_json), json.loads(v.result_json))
                exclude: int | None = query
            else:
                prof, exclude = profile_case(query.data), None
            return self.index(repo).query(prof, top=top, exclude_case=exclude)

    # --------------------------------------------------------------------------- checks
    def _context_findings(
        self, repo: CaseRepository, prof: CaseProfile, case_id: int | None
    ) -> list[QualityFinding]:
        cfg = CheckSettings.load(repo.settings())
        index = self.index(repo)
        hits = index.query(prof, top=cfg.similar_peers, exclude_case=case_id, same_ip_type=True)
        peers = [Peer(h.case_id, h.version_no, h.title, h.params) for h in hits]
        out = deviation_findings(
            prof.params, peers, threshold=cfg.deviation_threshold, min_peers=cfg.deviation_min_peers
        )
        model = self.anomaly_model(repo, cfg)
        fitted = model.forests_fitted
        found = model.finding(prof.params)
        if model.forests_fitted != fitted:  # a forest was fitted: keep it for other processes
            save_state(
                self.engine.url.render_as_string(hide_password=True),
                repo.org.id,
                self.index_state(repo),
            )
        if found is not None:
            out.append(found)
        return out

    def _findings(
        self,
        case: Mapping[str, Any],
        result: Mapping[str, Any],
        prof: CaseProfile,
        org: str,
        case_id: int | None,
    ) -> list[QualityFinding]:
        out = completeness(case) + method_selection(case, result, prof.ip_type)
        out += terminal_share(result)
        with read_session(self.engine) as session:
            try:
                repo = self.org(session, org)
            except InputError:  # first case of a new organisation: no case base yet
                return out
            return out + self._context_findings(repo, prof, case_id)

    # --------------------------------------------------------------------------- saving
    def save(
        self, source: CaseSource, *, org: str, user: str, case_id: int | None = None
    ) -> SaveReceipt:
        """Value and store a case as a new case, or as the next version of ``case_id``.

        Raises
        ------
        InputError
            Invalid case (from the engine), unknown ``case_id`` in this organisation.
        """
        data = source.engine_data()
        evaluation = self.evaluator(data, None)
        prof = profile_case(source.data, evaluation.result)
        findings = self._findings(source.data, evaluation.result, prof, org, case_id)
        evidence = record_evidence(data, evaluation.result)

        def work(session: Session) -> SaveReceipt:
            scope, org_created = ensure_org(session, org)
            head = lock_head(session, scope.id)
            repo = CaseRepository(session, scope)
            if org_created:
                append(
                    session,
                    head,
                    actor=user,
                    action="org.create",
                    entity="organisation",
                    entity_id=scope.id,
                    payload={"code": org},
                )
            actor, created = repo.ensure_user(user)
            if created:
                append(
                    session,
                    head,
                    actor=user,
                    action="user.create",
                    entity="app_user",
                    entity_id=actor.id,
                    payload={"username": user},
                )
            return self._write_version(
                session,
                head,
                repo,
                actor.id,
                user,
                source,
                evaluation,
                prof,
                findings,
                case_id,
                evidence,
            )

        return run_write(self.engine, work)

    def _write_version(
        self,
        session: Session,
        head: AuditHead,
        repo: CaseRepository,
        actor_id: int,
        user: str,
        source: CaseSource,
        ev: Evaluation,
        prof: CaseProfile,
        findings: Sequence[QualityFinding],
        case_id: int | None,
        evidence: Sequence[EvidenceRecord] = (),
    ) -> SaveReceipt:
        now = utc_now()
        if case_id is None:
            case = Case(
                org_id=repo.org.id,
                title=prof.title,
                latest_version=1,
                created_at=now,
                created_by=actor_id,
            )
            session.add(case)
            session.flush()
            append(
                session,
                head,
                actor=user,
                action="case.create",
                entity="case_header",
                entity_id=case.id,
                payload={"title": prof.title},
            )
        else:
            case = repo.case(case_id)
            case.latest_version += 1
            case.title = prof.title
        texts = {
            "source_text": source.text,
            "case_json": canonical_json(source.data),
            "resolved_json": canonical_json(ev.resolved),
            "result_json": canonical_json(ev.result),
        }
        version = CaseVersion(
            org_id=repo.org.id,
            case_id=case.id,
            version_no=case.latest_version,
            created_at=now,
            created_by=actor_id,
            source_name=source.name,
            source_format=source.format,
            **texts,
            content_sha256=sha256_hex(canonical_json(texts)),
            software_version=ev.software_version,
            refdata_version=ev.refdata_version,
            title=prof.title,
            ip_type=prof.ip_type,
            jurisdiction=prof.jurisdiction,
            tech_class=prof.tech_class,
            purpose=prof.purpose,
            description=prof.description,
            value=prof.value,
            currency=prof.currency,
            **prof.params,
        )
        session.add(version)
        session.flush()
        self._add_findings(session, repo.org.id, version.id, findings, "save", now)
        for r in evidence:
            session.add(
                EvidenceFile(
                    org_id=repo.org.id,
                    version_id=version.id,
                    field=r.field,
                    path=r.path,
                    sha256=r.sha256,
                )
            )
        payload: dict[str, Any] = {
            "case_id": case.id,
            "version_no": version.version_no,
            "content_sha256": version.content_sha256,
            "findings": sorted({f.code for f in findings}),
        }
        if evidence:  # the chain vouches for the hashes a later recalculation compares with
            payload["evidence"] = [{"field": r.field, "sha256": r.sha256} for r in evidence]
        append(
            session,
            head,
            actor=user,
            action="version.save",
            entity="case_version",
            entity_id=version.id,
            payload=payload,
            row=version,
        )
        return SaveReceipt(
            case.id, version.version_no, version.id, prof.value, prof.currency, tuple(findings)
        )

    @staticmethod
    def _add_findings(
        session: Session,
        org_id: int,
        version_id: int,
        findings: Sequence[QualityFinding],
        trigger: str,
        now: str,
    ) -> None:
        for f in findings:
            session.add(
                Finding(
                    org_id=org_id,
                    version_id=version_id,
                    run_at=now,
                    trigger=trigger,
                    code=f.code,
                    severity=f.severity,
                    field=f.field,
                    message=f.message,
                    detail_json=canonical_json(dict(f.detail)),
                )
            )

    def _recalculate(
        self, case: Mapping[str, Any], stored: Mapping[str, Any], evidence: Sequence[EvidenceRecord]
    ) -> list[QualityFinding]:
        """Value the stored case again (stored seed, evidence files at their recorded paths)
        and compare; evidence files that are gone or changed are reported as such instead.

        A missing file: no recalculation (the engine would refuse the case). A changed file:
        the recalculated value (or the engine's refusal) goes into the finding's detail, and
        no ``Q-CALC`` comparison is made — the difference is explained by the data, not the
        calculation.
        """
        seed = (stored.get("distribution") or {}).get("seed")
        problems = check_evidence(evidence)
        data = with_recorded_paths(case, evidence)
        if not problems:
            return recalculation(stored, self.evaluator(data, seed).result)
        if any(p.code == "evidence_file_missing" for p in problems):
            return [
                dataclasses.replace(p, detail={**p.detail, "recalculated": False}) for p in problems
            ]
        try:
            value = self.evaluator(data, seed).result.get("value")
            extra: dict[str, Any] = {"stored_value": stored.get("value"), "recomputed_value": value}
        except InputError as exc:
            extra = {"stored_value": stored.get("value"), "recomputed_error": str(exc)}
        return [dataclasses.replace(p, detail={**p.detail, **extra}) for p in problems]

    def check(
        self,
        case_id: int,
        *,
        org: str,
        user: str,
        version_no: int | None = None,
        recalc: bool = True,
    ) -> list[QualityFinding]:
        """Run every check on a stored version now (including the recalculation) and record it."""
        with read_session(self.engine) as session:
            repo = self.org(session, org)
            repo.user(user)
            v = repo.version(case_id, version_no)
            case, stored = json.loads(v.case_json), json.loads(v.result_json)
            version_id = v.id
            evidence = [
                EvidenceRecord(r.field, r.path, r.sha256) for r in repo.evidence_files(version_id)
            ]
        prof = profile_case(case, stored)
        findings = self._findings(case, stored, prof, org, case_id)
        if recalc:
            findings += self._recalculate(case, stored, evidence)

        def work(session: Session) -> None:
            scope = find_org(session, org)
            head = lock_head(session, scope.id)
            now = utc_now()
            self._add_findings(session, scope.id, version_id, findings, "check", now)
            append(
                session,
                head,
                actor=user,
                action="version.check",
                entity="quality_finding",
                entity_id=version_id,
                payload={"case_id": case_id, "findings": [f.code for f in findings]},
            )

        run_write(self.engine, work)
        return findings

    def scan_anomalies(self, *, org: str, user: str) -> list[tuple[int, int, QualityFinding]]:
        """Flag the anomalous cases of the whole case base for review (one seeded forest).

        Each flagged case's latest version gets a ``Q-ANOM-002`` finding (trigger ``scan``);
        one audit entry lists them. Returns ``(case_id, version_no, finding)`` per flag.
        """
        with read_session(self.engine) as session:
            repo = self.org(session, org)
            repo.user(user)
            cfg = CheckSettings.load(repo.settings())
            index = self.index(repo)
            docs, matrix = index.active_docs(), index.param_rows()
            ids = {(v.case_id, v.version_no): v.id for v in repo.latest_versions()}
        scan = scan_case_base(
            matrix, PARAMS, seed=cfg.anomaly_seed, contamination=cfg.anomaly_contamination
        )
        if scan is None:
            return []
        flagged = []
        for i in np.flatnonzero(scan.flagged).tolist():
            d = docs[i]
            values = {f: d.params.get(f) for f in scan.features}
            flagged.append(
                (
                    d.case_id,
                    d.version_no,
                    QualityFinding(
                        "Q-ANOM-002",
                        "warning",
                        "parameters",
                        f"flagged for review by the case-base scan: {', '.join(scan.features)} = "
                        f"{values} is among the {scan.contamination:.0%} most unusual of "
                        f"{len(docs)} cases (isolation score {scan.scores[i]:.3f}, threshold "
                        f"{scan.threshold:.3f}, seed {scan.seed})",
                        {
                            "score": float(scan.scores[i]),
                            "threshold": scan.threshold,
                            "features": list(scan.features),
                            "values": values,
                            "seed": scan.seed,
                            "contamination": scan.contamination,
                            "cases": len(docs),
                            "fitted_on": scan.fitted_on,
                        },
                    ),
                )
            )

        def work(session: Session) -> None:
            scope = find_org(session, org)
            head = lock_head(session, scope.id)
            now = utc_now()
            for case_id, version_no, f in flagged:
                if (case_id, version_no) in ids:  # a version saved meanwhile is checked at save
                    self._add_findings(
                        session, scope.id, ids[(case_id, version_no)], [f], "scan", now
                    )
            append(
                session,
                head,
                actor=user,
                action="anomaly.scan",
                entity="organisation",
                entity_id=scope.id,
                payload={
                    "cases": len(docs),
                    "seed": scan.seed,
                    "flagged": [f"#{c}v{v}" for c, v, _ in flagged],
                },
            )

        run_write(self.engine, work)
        return flagged

    # --------------------------------------------------------------------------- admin
    def add_user(
        self, *, org: str, actor: str, username: str, display_name: str | None = None
    ) -> bool:
        """Create a user in an organisation (creating the organisation if new); True if new."""

        def work(session: Session) -> bool:
            scope, org_created = ensure_org(session, org)
            head = lock_head(session, scope.id)
            if org_created:
                append(
                    session,
                    head,
                    actor=actor,
                    action="org.create",
                    entity="organisation",
                    entity_id=scope.id,
                    payload={"code": org},
                )
            repo = CaseRepository(session, scope)
            u, created = repo.ensure_user(username, display_name)
            if created:
                append(
                    session,
                    head,
                    actor=actor,
                    action="user.create",
                    entity="app_user",
                    entity_id=u.id,
                    payload={"username": username, "display_name": u.display_name},
                )
            return created

        return run_write(self.engine, work)

    def set_setting(self, *, org: str, user: str, key: str, value: str) -> None:
        """Override a check setting for one organisation (audited with old and new value)."""
        parse_setting(key, value)

        def work(session: Session) -> None:
            scope = find_org(session, org)
            head = lock_head(session, scope.id)
            CaseRepository(session, scope).user(user)
            row = session.get(OrgSetting, (scope.id, key))
            old = row.value if row else None
            if row is None:
                session.add(OrgSetting(org_id=scope.id, key=key, value=value))
            else:
                row.value = value
            append(
                session,
                head,
                actor=user,
                action="setting.change",
                entity="org_setting",
                entity_id=key,
                payload={"key": key, "old": old, "new": value},
            )

        run_write(self.engine, work)

    def verify(self, org: str, *, since_checkpoint: bool = False) -> AuditReport:
        """Verify an organisation's audit chain, in full or from its latest checkpoint
        (see :func:`verify_chain`)."""
        with read_session(self.engine) as session:
            scope = find_org(session, org)
            scope_transaction(session, scope)
            return verify_chain(session, scope.id, scope.code, since_checkpoint=since_checkpoint)

    def checkpoint(self, org: str, *, user: str) -> tuple[AuditReport, Checkpoint | None]:
        """Verify the whole chain and, when intact, record its head as a checkpoint (audited).

        The verification runs outside the write transaction (it can take seconds and must not
        hold the write lock); the transaction then records the verified head only if the chain
        still carries the verified hash there, and entries written meanwhile are simply not
        covered. Returns the report and the checkpoint (None when the chain is broken: nothing
        is written).

        Raises
        ------
        InputError
            Unknown organisation or user (``--org``, ``--user``).
        """
        import ipvalue

        with read_session(self.engine) as session:
            self.org(session, org).user(user)
        report = self.verify(org)
        if not report.ok:
            return report, None

        def work(session: Session) -> Checkpoint:
            scope = find_org(session, org)
            head = lock_head(session, scope.id)
            CaseRepository(session, scope).user(user)
            entry = session.execute(
                select(AuditEntry).where(
                    AuditEntry.org_id == scope.id, AuditEntry.seq == report.head_seq
                )
            ).scalar_one_or_none()
            if entry is None or entry.hash != report.head_hash:
                raise RuntimeError(
                    f"audit chain of {org} changed at seq {report.head_seq} "
                    "while it was being verified; verify it again"
                )
            row = AuditCheckpoint(
                org_id=scope.id,
                seq=entry.seq,
                entry_id=entry.id,
                head_hash=entry.hash,
                verified_at=utc_now(),
                verified_by=ipvalue.__version__,
                actor=user,
            )
            session.add(row)
            session.flush()
            append(
                session,
                head,
                actor=user,
                action="audit.checkpoint",
                entity="audit_checkpoint",
                entity_id=row.id,
                payload={
                    "seq": row.seq,
                    "head_hash": row.head_hash,
                    "verified_by": row.verified_by,
                },
                row=row,
            )
            return Checkpoint.of(row)

        return report, run_write(self.engine, work)

    def checkpoints(self, org: str) -> list[Checkpoint]:
        """The organisation's checkpoints, oldest first."""
        from ipvalue.cases._audit import checkpoints

        with read_session(self.engine) as session:
            scope = find_org(session, org)
            scope_transaction(session, scope)
            return checkpoints(session, scope.id)

    def case_audit(self, org: str, case_id: int) -> tuple[AuditReport, list[dict[str, Any]]]:
        """Verify the organisation's chain from its latest checkpoint and list the entries that
        concern one case.

        An entry concerns the case when it creates it, names it in its payload (``case_id``:
        saves, checks, review steps, comments) or flags it in an anomaly scan. The chain after
        the checkpoint is verified because each entry is only as trustworthy as the chain
        before it; the prefix before the checkpoint was verified when the checkpoint was
        written (``ipvalue audit verify`` re-checks all of it).
        """
        with read_session(self.engine) as session:
            scope = find_org(session, org)
            scope_transaction(session, scope)
            CaseRepository(session, scope).case(case_id)
            report = verify_chain(session, scope.id, scope.code, since_checkpoint=True)
            # Narrow in SQL (the payload is canonical JSON: sorted keys, no spaces), then
            # confirm on the parsed payload.
            tag = f"#{case_id}v"
            pj = AuditEntry.payload_json
            candidates = session.execute(
                select(AuditEntry)
                .where(
                    AuditEntry.org_id == scope.id,
                    or_(
                        (AuditEntry.entity == "case_header")
                        & (AuditEntry.entity_id == str(case_id)),
                        pj.contains(f'"case_id":{case_id},', autoescape=True),
                        pj.contains(f'"case_id":{case_id}}}', autoescape=True),
                        pj.contains(f'"{tag}', autoescape=True),
                    ),
                )
                .order_by(AuditEntry.id)
            ).scalars()
            mine = []
            for e in candidates:
                payload = json.loads(e.payload_json)
                if (
                    (e.entity == "case_header" and e.entity_id == str(case_id))
                    or payload.get("case_id") == case_id
                    or any(str(f).startswith(tag) for f in payload.get("flagged", []))
                ):
                    mine.append(
                        {
                            "seq": e.seq,
                            "at": e.at,
                            "actor": e.actor,
                            "action": e.action,
                            "hash": e.hash,
                        }
                    )
            return report, mine

    def export(self, org: str) -> list[dict[str, Any]]:
        """Every audit entry of an organisation, in order, as JSON-ready dicts."""
        with read_session(self.engine) as session:
            scope = find_org(session, org)
            scope_transaction(session, scope)
            return [
                {
                    "seq": e.seq,
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "payload": json.loads(e.payload_json),
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in iter_entries(session, scope.id)
            ]

    def organisations(self) -> list[str]:
        with read_session(self.engine) as session:
            return list(
                session.execute(select(Organisation.code).order_by(Organisation.code)).scalars()
            )
