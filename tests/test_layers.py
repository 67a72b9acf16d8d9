"""The rooms of the house and which way the arrows between them run (CONTRIBUTING.md).

Read from the source, not from what happens to be imported at run time: an import inside a
function counts as much as one at the top, and is itself refused outside ``apps.py``.
"""

import ast

import pytest
from django.conf import settings

# Each app imports only apps of a lower rank. ``operations``, ``core`` and ``people`` at the
# bottom, then the minutes, then the action log, then what reads them, then the project.
RANKS = {
    "operations": 0,
    "core": 0,
    "people": 1,
    "meetings": 2,
    "actions": 3,
    "judgements": 4,
    "kept": 4,
    "papers": 4,
    "publication": 4,
    "circulation": 4,
    "signin": 4,
    "search": 5,
    "themes": 5,
    "room": 4,
    "demo": 6,
    "assurance": 7,
}
# The plan's themes are reference data the minutes file items under: their model sits beside
# people, while the report by theme (the rest of ``themes``) reads everything.
MODULE_RANKS = {"themes.models": 1, "themes.admin": 1}
# Django imports receivers and the like when the app registry is ready, not before.
FUNCTION_IMPORTS_ALLOWED = {"apps.py"}


def our_modules():
    for app in RANKS:
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(settings.BASE_DIR).with_suffix("")
            name = ".".join(relative.parts).removesuffix(".__init__")
            yield name, path


def imports_of(path):
    """(module imported, line, whether at the top of the module) for each import of ours."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # "from meetings import services" imports the module meetings.services.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [n if n.split(".")[0] in RANKS else node.module for n in names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in RANKS:
                yield name, node.lineno, id(node) in top


def rank(module):
    for prefix, value in MODULE_RANKS.items():
        if module == prefix or module.startswith(f"{prefix}."):
            return value
    return RANKS[module.split(".")[0]]


MODULES = dict(our_modules())
IMPORTS = {name: list(imports_of(path)) for name, path in MODULES.items()}


def resolve(imported):
    """The module an import names: "people.models.Person" is people.models."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported


def test_every_app_of_ours_has_a_rank():
    ours = {
        app.split(".")[0]
        for app in settings.INSTALLED_APPS
        if (settings.BASE_DIR / app.split(".")[0]).is_dir()
    }
    assert ours == set(RANKS)


def test_the_arrows_point_down():
    upward = [
        f"{module} (line {line}) imports {imported}"
        for module, found in IMPORTS.items()
        for imported, line, _ in found
        if resolve(imported).split(".")[0] != module.split(".")[0]
        and rank(resolve(imported)) >= rank(module)
    ]
    assert upward == []


def test_no_import_of_ours_hides_in_a_function():
    hidden = [
        f"{module} (line {line}) imports {imported}"
        for module, found in IMPORTS.items()
        for imported, line, at_top in found
        if not at_top and MODULES[module].name not in FUNCTION_IMPORTS_ALLOWED
    ]
    assert hidden == []


def test_no_two_modules_import_each_other():
    edges = {
        module: {resolve(imported) for imported, _, _ in found} for module, found in IMPORTS.items()
    }
    cycles = sorted(
        f"{a} <-> {b}" for a, targets in edges.items() for b in targets if a in edges.get(b, ())
    )
    assert cycles == []


@pytest.mark.parametrize("module", [m for m in MODULES if ".views" in m])
def test_a_view_module_never_imports_another(module):
    assert [imported for imported, _, _ in IMPORTS[module] if ".views" in resolve(imported)] == []


def test_no_room_holds_more_than_thirty_percent_of_the_code():
    """A room that grows past this has subjects that want rooms of their own."""
    lines = {
        app: sum(
            len(path.read_text().splitlines())
            for name, path in MODULES.items()
            if name.split(".")[0] == app
        )
        for app in RANKS
    }
    total = sum(lines.values())
    assert {app: n for app, n in lines.items() if n > 0.3 * total} == {}
