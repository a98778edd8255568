"""Injection guards, checked on the code itself: SQL only with parameters (any interpolation into a
statement must be an identifier from the code, listed below with why), and no user text as HTML."""

import ast
import inspect

import pytest

from conftest import ROOT

SQL_CALLS = {"execute", "executemany", "query_df", "sql", "one", "run"}
# Interpolations that are not user values: expression text -> why it is safe.
ALLOWED = {
    "table": "a table name from the code's own list (store TABLES, _ids callers, information_schema)",
    "CHECKED_DONE": "tally: a fixed SQL expression (the checked month is still planned and realised)",
    "', '.join('?' * len(keys))": "users: one ? placeholder per key (the values go as parameters)",
    "' AND '.join(where)": "store.version: conditions on fixed column names (the values go as parameters)",
    "_MOVE": "store.counts: a fixed SET list (the masks go as parameters)",
    "IN_MONTH": "store.counts: a fixed SQL expression (a month's bit of a mask given as a parameter)",
}


def _sources():
    files = sorted((ROOT / "rbdash").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
    return [f for f in files if "demo" not in f.relative_to(ROOT).parts]  # test-data writer, no SQL


def _interpolations(node):
    """Expressions interpolated into a string built with an f-string, % or .format()."""
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _interpolations(node.left) + _interpolations(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        return [ast.unparse(node.right)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return [ast.unparse(a) for a in node.args] + [ast.unparse(k.value) for k in node.keywords]
    return []


def _sql_interpolations():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned = {}  # name -> value node, for SQL held in a variable first (sql = _BASE + f"...")
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                assigned.setdefault(node.targets[0].id, []).append(node.value)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in SQL_CALLS:
                continue
            arg = node.args[1] if name in ("one", "run") and len(node.args) > 1 else node.args[0]
            values = assigned.get(arg.id, []) if isinstance(arg, ast.Name) else [arg]
            for value in values:
                for expr in _interpolations(value):
                    found.append((path.relative_to(ROOT).as_posix(), node.lineno, expr))
    return found


def test_sql_is_built_only_from_code_identifiers():
    bad = [f"{f}:{line}: {expr}" for f, line, expr in _sql_interpolations() if expr not in ALLOWED]
    assert not bad, "SQL built from values (use ? parameters):\n" + "\n".join(bad)


def test_the_scan_finds_interpolation():
    """The scanner itself must see an f-string SQL call (else the test above cannot fail)."""
    tree = ast.parse('con.execute(f"SELECT * FROM t WHERE name = \'{name}\'")')
    call = tree.body[0].value
    assert _interpolations(call.args[0]) == ["name"]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_html_rendering_of_text(path):
    """User text is never rendered as HTML: unsafe_allow_html is not used at all."""
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")


def test_javascript_runs_only_from_the_apps_constant_scripts():
    """Issue 21.2/21.8: the app runs scripts of its own in the browser (one history entry per action, a
    new view at its top): only pages/_ui.browser may, and its scripts are constants with one integer
    put in -- never a text of a user or of the data."""
    users = [p.relative_to(ROOT).as_posix() for p in _sources() if "unsafe_allow_javascript" in p.read_text("utf-8")]
    assert users == ["pages/_ui.py"]
    from pages import _ui
    assert "unsafe_allow_javascript=True" in inspect.getsource(_ui.browser)
    assert inspect.getsource(_ui).count("unsafe_allow_javascript=True") == 1
    assert "{n}" not in _ui.HISTORY_JS and _ui.TO_TOP_JS.count("{n}") == 1  # the run counter, str(int(n))


def _grid_calls(tree):
    """(function name, first argument) of every .dataframe(...) / .data_editor(...) call."""
    return [(node.func.attr, ast.unparse(node.args[0]) if node.args else "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("dataframe", "data_editor")]


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_grid_goes_through_downloadable(path):
    """Issue 18.3: a grid's own "Download as CSV" writes the values it was given, so every table
    reaches st.dataframe / st.data_editor through rbdash.grids.downloadable (pages/_ui.table does)."""
    calls = _grid_calls(ast.parse(path.read_text(encoding="utf-8")))
    assert all(arg.startswith("grids.downloadable(") for _, arg in calls), calls


def test_the_grid_scan_finds_calls():
    assert _grid_calls(ast.parse("st.dataframe(df)\nleft.data_editor(grids.downloadable(f))")) == [
        ("dataframe", "df"), ("data_editor", "grids.downloadable(f)")]
