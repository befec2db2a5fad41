"""Choosing the subject's row of a cycle-time file (pure).

The row is ``patent_evidence.cycle_time_code`` when given, else the first subclass (4
characters, e.g. ``H01M`` of ``H01M 10/0525``) of ``asset.classes`` that the file has. A code
present under several schemes (CPC and IPC share subclass names) is taken in the scheme of the
asset's class; with an explicit code that matches several schemes and no class to decide, the
first scheme in file order is used and named in the source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ipvalue.core.errors import InputError
from ipvalue.model.assets import Classification

FIELD = "patent_evidence.cycle_time_code"


def subclass(code: str) -> str:
    """The 4-character subclass of a CPC/IPC code (``"G06N 3/08"`` → ``"G06N"``)."""
    return code.replace(" ", "").upper()[:4]


def pick_row(
    rows: Sequence[Mapping[str, object]],
    code: str | None,
    classes: Sequence[Classification],
    path: str,
) -> tuple[Mapping[str, object], str]:
    """The cycle-time row to use and how it was chosen.

    Raises
    ------
    InputError
        Naming ``patent_evidence.cycle_time_code``: the code is not in the file; no code given
        and no IPC/CPC subclass of ``asset.classes`` is in the file; the row's quartiles are
        empty.
    """

    def matches(c: str) -> list[Mapping[str, object]]:
        return [r for r in rows if str(r["code"]).upper() == c.upper()]

    chosen: Mapping[str, object] | None = None
    how = ""
    if code is not None:
        hits = matches(code.strip())
        if not hits:
            raise InputError(FIELD, f"{code!r} is not a code of {path}")
        schemes = [c.scheme for c in classes if subclass(c.code) == code.strip().upper()]
        pref = [r for r in hits if r["scheme"] in schemes]
        chosen = (pref or hits)[0]
        how = f"patent_evidence.cycle_time_code {code}"
    else:
        tried = []
        for c in classes:
            if c.scheme not in ("IPC", "CPC"):
                continue
            sub = subclass(c.code)
            tried.append(sub)
            hits = matches(sub)
            if hits:
                same = [r for r in hits if r["scheme"] == c.scheme]
                chosen = (same or hits)[0]
                how = f"first subclass of asset.classes in the file ({c.scheme} {c.code})"
                break
        if chosen is None:
            which = ", ".join(dict.fromkeys(tried)) or "none: asset.classes has no IPC/CPC code"
            raise InputError(
                FIELD,
                f"no subclass of asset.classes ({which}) is in {path}; give cycle_time_code",
            )
    for q in ("q1", "q2", "q3"):
        if chosen[q] is None:
            raise InputError(FIELD, f"{chosen['code']}: {q} is empty in {path}")
    return chosen, how
