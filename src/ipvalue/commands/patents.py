"""CLI commands for patent data: import, indicators, cycle-time, generate (analytics-core).

The ``patents`` group is created here; ``patents_explore`` attaches its commands to
:data:`patents_app`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ipvalue.core.errors import InputError

patents_app = typer.Typer(
    name="patents",
    help="Patent data: import, indicators, cycle times, landscapes, similar patents.",
    no_args_is_help=True,
)
_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

SourceOpt = Annotated[Path | None, typer.Option("--source", help="File or folder to import first.")]
FormatOpt = Annotated[
    str, typer.Option("--format", help="patentsview | uspto-xml | lens | bigquery")
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Analytics DuckDB file (default: setting analytics_db; a scratch "
        "file when --source is given without --db).",
    ),
]
EngineOpt = Annotated[str, typer.Option("--engine", help="duckdb | spark")]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
    )


EncodingOpt = Annotated[
    str,
    typer.Option("--encoding", help="Text encoding of CSV exports (Lens), e.g. cp1252, mac_roman."),
]


def _import(source: Path, fmt: str, db: Path | str, strict: bool, encoding: str = "utf-8") -> None:
    from ipvalue.analytics import import_source, open_duckdb

    with _progress() as bar:
        task = bar.add_task(f"importing {source}", total=None)
        con = open_duckdb(db)
        try:
            report = import_source(
                con,
                source,
                fmt,
                strict=strict,
                encoding=encoding,
                progress=lambda what: bar.update(task, description=f"importing {what}"),
            )
        finally:
            con.close()
    _err.print(
        f"imported {report.n_publications} publications, {report.n_citations} citations "
        f"from {source} (run {report.run_id})"
    )
    if report.n_fields_derived is not None:  # sources without WIPO fields (docs/analytics.md)
        _err.print(
            f"WIPO technology fields derived from IPC/CPC codes for {report.n_fields_derived} "
            f"of {report.n_publications} publications (Schmoch 2008 concordance)"
        )
    for issue in report.issues[:20]:
        _err.print(f"warning: {issue}", markup=False)
    if len(report.issues) > 20:
        _err.print(
            f"warning: {len(report.issues) - 20} more issues "
            f"(table import_issue, run {report.run_id})"
        )


@contextmanager
def _database(
    source: Path | None, fmt: str | None, db: Path | None, strict: bool, encoding: str
) -> Iterator[Path | None]:
    """The database to read: imports ``source`` first (into a scratch file unless --db)."""
    if source is None:
        yield db
        return
    if fmt is None:
        raise InputError(
            "--format", "is required with --source (patentsview | uspto-xml | lens | bigquery)"
        )
    if db is not None:
        _import(source, fmt, db, strict, encoding)
        yield db
        return
    with tempfile.TemporaryDirectory(prefix="ipv-") as tmp:
        scratch = Path(tmp) / "patents.duckdb"
        _import(source, fmt, scratch, strict, encoding)
        yield scratch


@patents_app.command("import")
def import_cmd(
    source: Annotated[Path, typer.Option("--source", help="File or folder to import.")],
    fmt: FormatOpt,
    db: DbOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on the first malformed row.")
    ] = False,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Load PatentsView tables, USPTO grant XML, a Lens CSV export or a BigQuery export into the
    analytics database (one transaction: all or nothing)."""
    from ipvalue.analytics._store import resolve_db_path

    _import(source, fmt, resolve_db_path(db), strict, encoding)


@patents_app.command("indicators")
def indicators_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output .csv or .parquet.")],
    source: SourceOpt = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="patentsview | uspto-xml | lens | bigquery")
    ] = None,
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    valuation_date: Annotated[
        str | None,
        typer.Option("--valuation-date", help="YYYY-MM-DD for remaining life (default today)."),
    ] = None,
    scheme: Annotated[str, typer.Option("--scheme", help="auto | CPC | IPC")] = "auto",
    generality: Annotated[str, typer.Option("--generality", help="oecd | hjt")] = "oecd",
    bias_correction: Annotated[
        bool, typer.Option("--bias-correction", help="N/(N-1) correction.")
    ] = False,
    fwd_window_days: Annotated[int, typer.Option("--fwd-window-days")] = 1826,
    normalisation: Annotated[
        str, typer.Option("--normalisation", help="p99_winsor | trim1_max")
    ] = "p99_winsor",
    min_cohort_size: Annotated[
        int,
        typer.Option(
            "--min-cohort-size",
            help="Normalise patents whose cohort has fewer patents within year × section, "
            "then year (1 = no fallback).",
        ),
    ] = 1,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Per-patent indicators (fwd_cits5, bwd_cits, scope, claims, grant lag, generality,
    originality, radicalness, TCT, family size, breakthrough, remaining life, quality index)."""
    from ipvalue.analytics import IndicatorOptions, compute_indicators, write_table
    from ipvalue.analytics._provenance import embed, write_sidecar

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError("--out", "must end in .csv or .parquet")
    vdate = _parse_date(valuation_date, "--valuation-date") if valuation_date else date.today()
    opts = IndicatorOptions(
        valuation_date=vdate,
        scheme=scheme,  # type: ignore[arg-type]
        generality=generality,  # type: ignore[arg-type]
        bias_correction=bias_correction,
        fwd_window_days=fwd_window_days,
        normalisation=normalisation,  # type: ignore[arg-type]
        min_cohort_size=min_cohort_size,
    )
    with _database(source, fmt, db, strict, encoding) as path, _progress() as bar:
        bar.add_task(f"computing indicators on {engine}", total=None)
        table = compute_indicators(path, opts, engine=engine)
        # inside the block: the database read (a scratch file for --source) names the concordance
        prov = _provenance("indicators", table, source, fmt, db, engine, vdate, path)
    write_table(embed(table, prov), out)
    write_sidecar(out, prov)
    meta = table.schema.metadata or {}
    _out.print(
        f"wrote {table.num_rows} patents to {out} "
        f"(scheme {meta.get(b'ipvalue.resolved_scheme', b'').decode()}, "
        f"generality {generality}, valuation date {vdate.isoformat()}, engine {engine})"
    )


@patents_app.command("cycle-time")
def cycle_time_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output .csv or .parquet.")],
    source: SourceOpt = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="patentsview | uspto-xml | lens | bigquery")
    ] = None,
    db: DbOpt = None,
    engine: EngineOpt = "duckdb",
    min_ages: Annotated[int, typer.Option("--min-ages", help="Drop codes with fewer ages.")] = 1,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Technology cycle time by CPC/IPC subclass and WIPO field: quartiles of cited-patent ages
    in years (columns scheme, code, n_patents, n_ages, q1, q2, q3, mean)."""
    from ipvalue.analytics import cycle_times, write_table
    from ipvalue.analytics._provenance import embed, write_sidecar

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError("--out", "must end in .csv or .parquet")
    with _database(source, fmt, db, strict, encoding) as path, _progress() as bar:
        bar.add_task(f"computing cycle times on {engine}", total=None)
        table = cycle_times(path, engine=engine, min_ages=min_ages)
        prov = _provenance(
            "cycle_time",
            table,
            source,
            fmt,
            db,
            engine,
            None,
            path,
            {"min_ages": min_ages, "unit": "years"},
        )
    write_table(embed(table, prov), out)
    write_sidecar(out, prov)
    _out.print(f"wrote {table.num_rows} fields to {out}")


@patents_app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for the PatentsView-format tables.")],
    patents: Annotated[int, typer.Option("--patents", help="Number of granted patents.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (recorded).")] = 0,
    citations_per_patent: Annotated[
        float, typer.Option("--citations-per-patent", help="Mean US-patent references per patent.")
    ] = 10.0,
    fmt: Annotated[str, typer.Option("--format", help="tsv | parquet")] = "tsv",
) -> None:
    """Synthetic PatentsView tables whose distributions follow the real samples (for tests,
    demos and benchmarks at scale)."""
    from ipvalue.analytics._generator import generate, write_tables

    if fmt not in ("tsv", "parquet"):
        raise InputError("--format", "must be tsv or parquet")
    with _progress() as bar:
        task = bar.add_task(f"generating {patents:,} patents", total=None)
        g = generate(patents, seed=seed, citations_per_patent=citations_per_patent)
        bar.update(task, description=f"writing {fmt} to {out}")
        write_tables(g, out, fmt)  # type: ignore[arg-type]
    _out.print(
        f"wrote {g.n_patents:,} patents, {g.n_citations:,} US-patent citations "
        f"to {out} (seed {seed})"
    )


def _provenance(
    kind: Literal["indicators", "cycle_time"],
    table: Any,
    source: Path | None,
    fmt: str | None,
    db: Path | None,
    engine: str,
    vdate: date | None,
    cutoff_db: Path | None = None,
    options: dict[str, Any] | None = None,
) -> Any:
    """Provenance record of an output table (sidecar ``X.meta.json``, docs/patent-evidence.md);
    cycle times carry no dates, so their data cutoff is read from ``cutoff_db`` (the database
    read), as is the concordance version of derived WIPO fields."""
    from ipvalue.analytics._provenance import (
        build_provenance,
        data_cutoff_of_db,
        wipo_concordance_of_db,
    )
    from ipvalue.analytics._store import resolve_db_path

    origin = source if source is not None else resolve_db_path(db)
    cutoff = data_cutoff_of_db(cutoff_db) if kind == "cycle_time" else None
    return build_provenance(
        kind,
        table,
        source=[origin],
        fmt=fmt if source else None,
        engine=engine,
        options=options,
        valuation_date=vdate,
        data_cutoff=cutoff,
        wipo_concordance=wipo_concordance_of_db(resolve_db_path(cutoff_db)),
    )


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(option, "must be a date YYYY-MM-DD") from exc


def register(app: typer.Typer) -> None:
    """Add the ``patents`` group to the top-level app."""
    app.add_typer(patents_app, name="patents")
