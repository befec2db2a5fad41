"""One warning per reference figure across many fields (portfolios): not noise, still honest."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["merge_figure_warnings"]

#: How many field paths a merged warning names before "and N more".
SHOWN_PATHS = 5


def merge_figure_warnings(warnings: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Merge ``(code, "path: message")`` pairs of ``refdata_*`` / ``fx_date_mismatch`` codes
    that differ only in the path into one per (code, message), naming the paths (the first
    :data:`SHOWN_PATHS`, then "and N more"); other warnings pass through unchanged, in order.

    A message without ``": "`` is kept as is.
    """
    items = list(warnings)
    groups: dict[tuple[str, str], list[str]] = {}
    for code, message in items:
        path, sep, rest = message.partition(": ")
        if sep and (code.startswith("refdata_") or code == "fx_date_mismatch"):
            groups.setdefault((code, rest), []).append(path)
    out: list[tuple[str, str]] = []
    done: set[tuple[str, str]] = set()
    for code, message in items:
        path, sep, rest = message.partition(": ")
        key = (code, rest)
        if not sep or key not in groups:
            out.append((code, message))
            continue
        if key in done:
            continue
        done.add(key)
        paths = list(dict.fromkeys(groups[key]))
        shown = ", ".join(paths[:SHOWN_PATHS])
        more = len(paths) - SHOWN_PATHS
        label = shown + (f" and {more} more" if more > 0 else "")
        out.append((code, f"{label}: {rest}"))
    return out
