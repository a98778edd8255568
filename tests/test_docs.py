"""The reference in docs/ matches the code (sqlite-utils style: a new command, option, module or
environment variable fails here until it is documented), and the README stays a newcomer's page:
short, the two set-up commands, links that lead somewhere."""

import re

import pytest
from click.testing import CliRunner

from conftest import ROOT
from rbdash.cli import main

DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group=main, prefix=()):
    """(path, command) for every command and group under ``group``, e.g. (("user", "add"), <add>)."""
    for name, cmd in sorted(group.commands.items()):
        path = prefix + (name,)
        yield path, cmd
        if hasattr(cmd, "commands"):
            yield from commands(cmd, path)


def sections(text) -> dict:
    """docs/cli.md by command: the text under '## `rbdash user add`' up to the next '## ' heading."""
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^## `rbdash ([a-z][a-z -]*)`\n(.*?)(?=^## |\Z)", text, re.M | re.S)}


def options(cmd) -> set:
    return {opt for param in cmd.params for opt in getattr(param, "opts", []) if opt.startswith("--")}


OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def cli_doc_problems(text, group=main) -> list:
    """What a cli.md text lacks or gets wrong: a command without its section, an option missing from
    its own command's section (one `--json` elsewhere does not document another command's), an option
    a command's section names that the command does not take, a section of no command."""
    found, problems = sections(text), []
    names = set()
    for path, cmd in commands(group):
        name = " ".join(path)
        names.add(name)
        if name not in found:
            problems.append(f"no section for `rbdash {name}`")
            continue
        named = set(OPTION.findall(found[name]))
        problems += [f"`rbdash {name}` {opt} is not in its section" for opt in sorted(options(cmd) - named)]
        if not hasattr(cmd, "commands"):
            problems += [f"the section of `rbdash {name}` names {opt}, which it does not take"
                         for opt in sorted(named - options(cmd))]
    problems += [f"a section for `rbdash {name}`, which is no command" for name in sorted(set(found) - names)]
    return problems


CLI_DOC = (DOCS / "cli.md").read_text(encoding="utf-8")


def test_every_cli_command_and_option_is_in_its_section_of_docs_cli():
    assert cli_doc_problems(CLI_DOC) == []


def _without(text, section, pattern):
    """``text`` with the lines of one section that match ``pattern`` taken out."""
    body = sections(text)[section]
    trimmed = "\n".join(line for line in body.split("\n") if not re.search(pattern, line))
    return text.replace(body, trimmed)


def test_the_docs_check_finds_a_missing_option_a_missing_section_and_a_stale_option():
    """The check cannot pass for want of looking: on trimmed copies of docs/cli.md it names what went."""
    assert "--json" in sections(CLI_DOC)["parse"]   # documented elsewhere, still missing for `user list`
    assert cli_doc_problems(_without(CLI_DOC, "user list", "--json")) == ["`rbdash user list` --json is not in its section"]
    assert cli_doc_problems(_without(CLI_DOC, "restore", "--replace")) == ["`rbdash restore` --replace is not in its section"]
    no_backup = CLI_DOC.replace("## `rbdash backup`", "## Backups")
    assert cli_doc_problems(no_backup) == ["no section for `rbdash backup`"]
    stale = CLI_DOC.replace("- `--replace`: replace", "- `--replace` or `--force`: replace")
    assert cli_doc_problems(stale) == ["the section of `rbdash restore` names --force, which it does not take"]
    assert len(cli_doc_problems("")) == len(list(commands()))


@pytest.mark.parametrize("path", [p for p, _ in commands()], ids=[" ".join(p) for p, _ in commands()])
def test_every_command_help_shows_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert re.search(r"^  Examples?:\n    .*python -m rbdash \S", result.output, re.M), result.output


def test_every_module_is_in_the_module_map():
    """Each module of rbdash/ is named in the module map of docs/development.md: by its path, or by its
    file name in the row of its folder (`rbdash/excel/` ... `cells.py`)."""
    rows = [line for line in (DOCS / "development.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")]

    def mapped(module):
        folder, name = module.rsplit("/", 1)
        return any(f"`{module}`" in row or f"`{folder}/`" in row.split(" | ")[0] and f"`{name}`" in row
                   for row in rows)
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rbdash").rglob("*.py"))
    assert "rbdash/excel/cells.py" in modules and mapped("rbdash/excel/cells.py") and not mapped("rbdash/excel/nope.py")
    missing = [m for m in modules if m != "rbdash/__init__.py" and not mapped(m)]
    assert not missing, f"modules missing from the module map in docs/development.md: {missing}"


def test_every_environment_variable_is_in_docs_operations():
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    names = set()
    for p in list((ROOT / "rbdash").rglob("*.py")) + list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        # every quoted name, read where it is written or through a constant (backup.KEY_ENV)
        names |= set(re.findall(r"""["'](RBDASH_[A-Z_]+)["']""", p.read_text(encoding="utf-8")))
    names -= {"RBDASH_TEST_CRASH_MARK", "RBDASH_WORKER_MEMORY_MB"}  # test hook, worker-internal
    assert {"RBDASH_DB", "RBDASH_BACKUP_KEY"} <= names  # the scan finds what it looks for
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, f"environment variables missing from docs/operations.md: {missing}"


def test_the_readme_is_a_newcomers_page_with_the_two_set_up_commands():
    assert len(README.splitlines()) <= 200
    quick = README.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", quick, re.S).group(1)
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["./dev start", "./dev test"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "exec ./dev test"
    assert "](docs/beranda.png)" in README and (DOCS / "beranda.png").stat().st_size < 200_000
    for doc in ("layouts", "cli", "operations", "postgresql", "benchmarks", "development"):
        assert f"](docs/{doc}.md)" in README


def _slug(heading):
    """GitHub's anchor of a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_link_between_the_docs_leads_somewhere():
    files = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = []
    for f in files:
        for target in re.findall(r"\]\(([^)\s]+)\)", f.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            dest = (f.parent / path).resolve() if path else f
            if not dest.exists():
                broken.append(f"{f.name}: {target}")
            elif anchor and dest.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{f.name}: {target}")
    assert not broken
