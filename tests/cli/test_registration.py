"""The CLI registers each command group once, however often ``main`` runs in one process."""

from __future__ import annotations

import pytest

from ipvalue import cli


def test_main_twice_keeps_one_copy_of_each_group() -> None:
    for _ in range(2):
        with pytest.raises(SystemExit) as exc:
            cli.main(["version"])
        assert exc.value.code == 0
    names = [g.name for g in cli.app.registered_groups]
    assert len(names) == len(set(names)), names
    commands = [c.name or c.callback.__name__ for c in cli.app.registered_commands if c.callback]
    assert len(commands) == len(set(commands)), commands
