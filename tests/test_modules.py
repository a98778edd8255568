"""Module boundaries inside rbdash/: what one module uses of another is public (issue 20.5).  A name
with a leading underscore is that module's own; once another module needs it, it gets a public name
(or moves), so its owner can see it is an interface."""

import ast

from conftest import ROOT


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_uses(path, source):
    """``from rbdash.x import _name`` and ``x._name`` (x a module of rbdash) in one module, as
    'file:line: what' strings; a module's use of its own names is left out."""
    me, found, modules = _module_name(path), [], {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rbdash") and not node.level:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and node.module != me:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {node.module} import {alias.name}")
                elif _is_module(f"{node.module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("rbdash") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules \
                and node.attr.startswith("_") and not node.attr.startswith("__") and modules[node.value.id] != me:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {modules[node.value.id]}.{node.attr}")
    return found


def _is_module(name):
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def test_no_module_of_rbdash_uses_another_ones_private_names():
    found = [hit for p in sorted((ROOT / "rbdash").rglob("*.py"))
             for hit in private_uses(p, p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_check_finds_both_kinds_of_private_use():
    """The check above cannot pass for want of looking: it finds an import and an attribute."""
    path = ROOT / "rbdash" / "example.py"
    source = "from rbdash.excel.cells import _fold\nfrom rbdash import regions\nregions._key('x')\n" \
             "from rbdash.example import _own\n"
    assert private_uses(path, source) == ["rbdash/example.py:1: from rbdash.excel.cells import _fold",
                                          "rbdash/example.py:3: rbdash.regions._key"]
