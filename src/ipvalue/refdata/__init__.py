"""Reference data packaged with ipvalue: every figure with its source, date and confidence.

``lookup("country_parameters/KR/cit_statutory_combined_pct")`` returns a :class:`Figure`;
``fx_rate("KRW", "USD", date)`` converts at the latest ECB daily rate on or before the date
(USD crosses, no look-ahead); ``figure_warnings`` flags stale,
look-ahead, low-confidence and overridden figures; ``refdata_version()`` names the data used.
User override files in the folder of the setting ``refdata_dir`` replace packaged rows by key.
"""

from ipvalue.refdata._checks import DEFAULT_MAX_AGE_YEARS, RefdataWarning, figure_warnings
from ipvalue.refdata._figure import Figure, parse_source_date
from ipvalue.refdata._fx import fx_rate, fx_series
from ipvalue.refdata._lookup import get_table, lookup, split_ref
from ipvalue.refdata._manifest import packaged_version, refdata_version
from ipvalue.refdata._merge import merge_figure_warnings
from ipvalue.refdata._schema import TABLES, TableSpec
from ipvalue.refdata._tables import Table, load_tables

__all__ = [
    "DEFAULT_MAX_AGE_YEARS",
    "TABLES",
    "Figure",
    "RefdataWarning",
    "Table",
    "TableSpec",
    "figure_warnings",
    "fx_rate",
    "fx_series",
    "get_table",
    "load_tables",
    "lookup",
    "merge_figure_warnings",
    "packaged_version",
    "parse_source_date",
    "refdata_version",
    "split_ref",
]
