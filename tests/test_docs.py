"""The README documents every CLI command and option, every module and every environment variable
(sqlite-utils style: a new command or option fails this test until it is documented)."""

import re

import pytest

from conftest import ROOT
from rbdash.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        path = prefix + (name,)
        yield path, cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, path)


COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_cli_command_and_option_is_in_the_readme(path, cmd):
    assert f"rbdash {' '.join(path)}" in README, f"`python -m rbdash {' '.join(path)}` is not in the README"
    section = README[README.index(f"rbdash {' '.join(path)}"):]
    for param in cmd.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert opt in README, f"{' '.join(path)} {opt} is not in the README"
    assert section


def test_every_module_is_in_the_readme_layout_table():
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rbdash").rglob("*.py")
                     if p.name not in ("__init__.py", "__main__.py"))
    missing = [m for m in modules if f"`{m}`" not in README and f"`{m.rsplit('/', 1)[0]}/`" not in README]
    assert not missing, f"modules missing from the README layout table: {missing}"


def test_every_environment_variable_is_in_the_readme():
    names = set()
    for p in list((ROOT / "rbdash").rglob("*.py")) + list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        names |= set(re.findall(r"""environ(?:\.get)?\(\s*["'](RBDASH_[A-Z_]+)""", p.read_text(encoding="utf-8")))
        names |= set(re.findall(r"""environ\[["'](RBDASH_[A-Z_]+)""", p.read_text(encoding="utf-8")))
    names -= {"RBDASH_TEST_CRASH_MARK", "RBDASH_WORKER_MEMORY_MB"}  # test hook, worker-internal
    missing = sorted(n for n in names if n not in README)
    assert not missing, f"environment variables missing from the README: {missing}"
