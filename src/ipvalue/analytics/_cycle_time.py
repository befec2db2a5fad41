"""Technology cycle time by field: quartiles of cited-patent ages (Korean Model I input).

For every focal patent with a grant date, the ages of its cited US patents (focal grant date −
cited date, as for ``tct``) are pooled into each of the focal's distinct CPC subclasses, IPC
subclasses and WIPO fields. Per (scheme, code): ``n_patents`` focal patents, ``n_ages`` ages,
quartiles ``q1, q2, q3`` (linear interpolation, identical on DuckDB and Spark) and ``mean``, all
in years of 365.25 days.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ipvalue.analytics._indicators import DAYS_PER_YEAR, cited_ages

CYCLE_TIME_COLUMNS = ("scheme", "code", "n_patents", "n_ages", "q1", "q2", "q3", "mean")


def cycle_time_table(tables: dict[str, ir.Table], *, min_ages: int = 1) -> ir.Table:
    """Cycle-time quartiles per CPC subclass, IPC subclass and WIPO field.

    Parameters
    ----------
    tables : canonical tables on one Ibis backend.
    min_ages : keep only codes with at least this many ages (quartiles of very few ages are
        noise; the default keeps everything and ``n_ages`` lets the user judge).
    """
    ages = cited_ages(tables)
    cls = tables["classification"]
    codes = cls.filter(cls.scheme.isin(("CPC", "IPC")) & cls.subclass4.notnull()).select(
        k=cls.pub_key, scheme=cls.scheme, code=cls.subclass4
    )
    tf = tables["tech_field"]
    fields = tf.filter(tf.wipo_field_id.notnull()).select(
        k=tf.pub_key, scheme=ibis.literal("WIPO"), code=tf.wipo_field_id
    )
    # on the stored publication keys (``ages.focal`` is a pub_key)
    memberships = codes.union(fields).distinct()
    j = ages.join(memberships, ages.focal == memberships.k).select("scheme", "code", "focal", "age")
    # quartiles of whole days are exact multiples of ¼ day on every engine; scale afterwards
    out = j.group_by(["scheme", "code"]).aggregate(
        n_patents=j.focal.nunique(),
        n_ages=j.count(),
        q1=j.age.quantile(0.25) / DAYS_PER_YEAR,
        q2=j.age.quantile(0.5) / DAYS_PER_YEAR,
        q3=j.age.quantile(0.75) / DAYS_PER_YEAR,
        total=j.age.sum(),
    )
    out = out.mutate(mean=out.total / out.n_ages / DAYS_PER_YEAR)
    out = out.filter(out.n_ages >= min_ages)
    return out.select(
        out.scheme,
        out.code,
        out.n_patents.cast("int64"),
        out.n_ages.cast("int64"),
        out.q1.cast("float64"),
        out.q2.cast("float64"),
        out.q3.cast("float64"),
        out["mean"].cast("float64"),
    ).order_by(["scheme", "code"])
