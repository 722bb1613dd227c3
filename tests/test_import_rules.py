"""Import rules of the package, checked statically with `ast` over plan_monitor/**, app_pages/*.py and app.py.

Every `import` and `from … import` anywhere in a module (top level, inside functions, under `if TYPE_CHECKING`) is
resolved to an absolute module name: relative imports against the importing module's package, and
`from package import name` to `package.name` when that is a module file, else to `package`.

(a) Layers. A module of plan_monitor belongs to the layer of its first component under plan_monitor:

        0  errors, paths            2  sources, engine,    4  present     6  ui, cli, __main__
        1  spec                        access             5  outputs
                                    3  ingest, metrics

    (plan_monitor/__init__.py counts as layer 0.) A module may import plan_monitor modules of its own layer or a
    lower one, never a higher one; within one package (e.g. sources → sources) anything goes. ingest and metrics
    share a layer but must not import each other. app.py and app_pages/ may import anything. A plan_monitor
    package missing from LAYERS is itself a failure, so a new package gets a rank when it is added.

(b) Streamlit. Only plan_monitor/ui/, app_pages/ and app.py import `streamlit` (or any `streamlit.…` module).

(c) The data folder. Only plan_monitor/sources/ opens the data folder. Anywhere else it is a violation to
      - import a private module of sources/ (a name component starting with one underscore, such as
        plan_monitor.sources.store._manifest; in any spelling, relative included): the store's engine is
        reached only through plan_monitor.sources (open_store, the Store interface),
      - have a string constant containing "manifest.json" (docstrings excepted), or
      - reference the data folder's configured location: a string constant containing "PLAN_MONITOR_DATA"
        (docstrings excepted), or the name DEFAULT_DATA (imported, used, or as an attribute such as
        paths.DEFAULT_DATA).
    Exempt, besides plan_monitor/sources/: plan_monitor/paths.py (defines DEFAULT_DATA), plan_monitor/cli.py
    (argparse defaults for --data) and plan_monitor/ui/context.py (reads the configured location for the pages).

Violations known and accepted are listed in KNOWN_VIOLATIONS (none today); the test fails on any violation not
listed there and on any listed one that no longer occurs, so the list only shrinks. Not covered: imports built at run time (importlib.import_module, __import__); there
are none today.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from plan_monitor.paths import ROOT

PACKAGE = "plan_monitor"
LAYERS = {
    "errors": 0, "paths": 0,
    "spec": 1,
    "sources": 2, "engine": 2, "access": 2, "ledger": 2,
    "ingest": 3, "metrics": 3,
    "present": 4,
    "outputs": 5,
    "ui": 6, "cli": 6, "__main__": 6,
}
ROOT_LAYER = 0  # plan_monitor/__init__.py
APART = {frozenset({"ingest", "metrics"})}  # same layer, yet independent of each other
STREAMLIT_ALLOWED = ("plan_monitor/ui/", "app_pages/", "app.py")
DATA_FOLDER_ALLOWED = ("plan_monitor/sources/", "plan_monitor/paths.py", "plan_monitor/cli.py",
                       "plan_monitor/ui/context.py")
SOURCES = "plan_monitor.sources"

# (rule, file, what) of violations present when the rules were written; other branches remove them.
# The integrator empties this set; the test fails on any entry that no longer occurs.
KNOWN_VIOLATIONS: frozenset[tuple[str, str, str]] = frozenset()


def private_to_sources(name: str) -> bool:
    """plan_monitor.sources.store._manifest and the like: modules only sources/ itself may import."""
    parts = name.split(".")
    return name.startswith(SOURCES + ".") and any(p.startswith("_") and not p.startswith("__") for p in parts[2:])


@dataclass(frozen=True)
class Violation:
    rule: str  # "layer", "streamlit" or "data-folder"
    file: str  # relative to the scanned root, with /
    line: int
    what: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.rule, self.file, self.what

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.rule}] {self.what}"


def sources(root: Path) -> list[Path]:
    files = sorted((root / PACKAGE).rglob("*.py")) + sorted((root / "app_pages").glob("*.py"))
    return files + ([root / "app.py"] if (root / "app.py").exists() else [])


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def is_module(root: Path, name: str) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported(root: Path, path: Path, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the module."""
    me = module_name(root, path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                up = node.level - 1
                if up > len(parts):
                    raise AssertionError(f"{path}: relative import beyond the top level")
                base = ".".join(parts[:len(parts) - up] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                found.append((node.lineno, full if alias.name != "*" and is_module(root, full) else base))
    return list(dict.fromkeys(found))  # `from m import a, b` is one import of m


def docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (module, class, function)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def layer_of(module: str) -> tuple[str, int | None]:
    """(package under plan_monitor, its layer) of a plan_monitor module; layer None when it is not in LAYERS."""
    parts = module.split(".")
    if len(parts) == 1:
        return PACKAGE, ROOT_LAYER
    return parts[1], LAYERS.get(parts[1])


def check_file(root: Path, path: Path) -> list[Violation]:
    rel = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[Violation] = []
    me = module_name(root, path)
    in_package = rel.startswith(f"{PACKAGE}/")
    if in_package:
        mine, my_layer = layer_of(me)
        if my_layer is None:
            out.append(Violation("layer", rel, 1, f"package {PACKAGE}.{mine} has no layer in LAYERS"))
    for line, name in imported(root, path, tree):
        if name == "streamlit" or name.startswith("streamlit."):
            if not rel.startswith(STREAMLIT_ALLOWED):
                out.append(Violation("streamlit", rel, line, f"imports {name}"))
        if private_to_sources(name) and not rel.startswith(DATA_FOLDER_ALLOWED):
            out.append(Violation("data-folder", rel, line, f"imports {name}, private to sources/"))
        if in_package and my_layer is not None and (name == PACKAGE or name.startswith(PACKAGE + ".")):
            theirs, their_layer = layer_of(name)
            if theirs == mine:
                continue
            if their_layer is None:
                out.append(Violation("layer", rel, line, f"imports {name}, whose package has no layer in LAYERS"))
            elif their_layer > my_layer:
                out.append(Violation("layer", rel, line, f"{mine} (layer {my_layer}) imports {name} "
                                                         f"({theirs}, layer {their_layer})"))
            elif frozenset({mine, theirs}) in APART:
                out.append(Violation("layer", rel, line, f"{mine} imports {name}: {mine} and {theirs} must not "
                                                         f"import each other"))
    if not rel.startswith(DATA_FOLDER_ALLOWED):
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                for needle in ("manifest.json", "PLAN_MONITOR_DATA"):
                    if needle in node.value:
                        out.append(Violation("data-folder", rel, node.lineno, f"uses the string {needle!r}"))
            elif isinstance(node, ast.Name) and node.id == "DEFAULT_DATA":
                out.append(Violation("data-folder", rel, node.lineno, "references DEFAULT_DATA"))
            elif isinstance(node, ast.Attribute) and node.attr == "DEFAULT_DATA":
                out.append(Violation("data-folder", rel, node.lineno, "references DEFAULT_DATA"))
            elif isinstance(node, ast.alias) and node.name == "DEFAULT_DATA":
                out.append(Violation("data-folder", rel, node.lineno, "imports DEFAULT_DATA"))
    return out


def violations(root: Path) -> list[Violation]:
    return [v for path in sources(root) for v in check_file(root, path)]


def report(found: list[Violation]) -> str:
    return "\n".join(str(v) for v in found)


# ---------------------------------------------------------------- the project


def test_the_project_keeps_its_import_rules():
    found = violations(ROOT)
    assert sources(ROOT) and any(p.name == "app.py" for p in sources(ROOT))
    new = [v for v in found if v.key not in KNOWN_VIOLATIONS]
    assert not new, "import rules broken (see this module's docstring):\n" + report(new)
    gone = KNOWN_VIOLATIONS - {v.key for v in found}
    assert not gone, "fixed, now remove from KNOWN_VIOLATIONS:\n" + "\n".join(map(str, sorted(gone)))


def test_every_package_has_a_layer():
    packages = {p.name for p in (ROOT / PACKAGE).iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / PACKAGE).glob("*.py") if p.stem != "__init__"}
    assert packages | modules == set(LAYERS), (packages | modules) ^ set(LAYERS)


# ---------------------------------------------------------------- the checker can fail


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_flags_each_rule_on_a_synthetic_package(tmp_path):
    write(tmp_path, {
        "plan_monitor/__init__.py": "",
        "plan_monitor/errors.py": "",
        "plan_monitor/paths.py": 'DEFAULT_DATA = "data/demo"\nENV = "PLAN_MONITOR_DATA"\n',
        "plan_monitor/spec/__init__.py": "",
        "plan_monitor/spec/plan.py": (
            '"""Reads manifest.json? No: docstrings do not count."""\n'
            "from plan_monitor.errors import UserError\n"          # down: fine
            "from . import geo\n"                                   # same package: fine
            "def lazy():\n"
            "    from ..ui import context\n"                        # up, relative, inside a function
            "    return context\n"),
        "plan_monitor/spec/geo.py": "",
        "plan_monitor/sources/__init__.py": "",
        "plan_monitor/sources/store/__init__.py": "from ._manifest import NAME\n",  # sources may
        "plan_monitor/sources/store/_manifest.py": 'NAME = "manifest.json"\n',
        "plan_monitor/metrics/__init__.py": "",
        "plan_monitor/metrics/score.py": "import streamlit as st\nfrom plan_monitor.ingest import rows\n",
        "plan_monitor/ingest/__init__.py": "",
        "plan_monitor/ingest/rows.py": "from ..sources.store import _manifest\n",
        "plan_monitor/present/__init__.py": "",
        "plan_monitor/present/view.py": (
            "import os\n"
            "from plan_monitor.sources.store._manifest import NAME\n"
            "from plan_monitor import paths\n"
            'folder = os.environ.get("PLAN_MONITOR_DATA", paths.DEFAULT_DATA)\n'
            'manifest = f"{folder}/manifest.json"\n'),
        "plan_monitor/ui/__init__.py": "",
        "plan_monitor/ui/context.py": "import streamlit\nfrom plan_monitor.paths import DEFAULT_DATA\n",
        "plan_monitor/cli.py": "from plan_monitor.paths import DEFAULT_DATA\n",
        "plan_monitor/gadgets/__init__.py": "",
        "app_pages/page.py": "import streamlit as st\nfrom plan_monitor.paths import DEFAULT_DATA\n",
        "app.py": "import streamlit as st\nfrom plan_monitor.ui import context\n",
    })
    found = {(v.rule, v.file, v.line, v.what) for v in violations(tmp_path)}
    assert found == {
        ("layer", "plan_monitor/spec/plan.py", 5, "spec (layer 1) imports plan_monitor.ui.context (ui, layer 6)"),
        ("streamlit", "plan_monitor/metrics/score.py", 1, "imports streamlit"),
        ("layer", "plan_monitor/metrics/score.py", 2,
         "metrics imports plan_monitor.ingest.rows: metrics and ingest must not import each other"),
        ("data-folder", "plan_monitor/ingest/rows.py", 1, "imports plan_monitor.sources.store._manifest, private to sources/"),
        ("data-folder", "plan_monitor/present/view.py", 2, "imports plan_monitor.sources.store._manifest, private to sources/"),
        ("data-folder", "plan_monitor/present/view.py", 4, "uses the string 'PLAN_MONITOR_DATA'"),
        ("data-folder", "plan_monitor/present/view.py", 4, "references DEFAULT_DATA"),
        ("data-folder", "plan_monitor/present/view.py", 5, "uses the string 'manifest.json'"),
        ("layer", "plan_monitor/gadgets/__init__.py", 1, "package plan_monitor.gadgets has no layer in LAYERS"),
        ("data-folder", "app_pages/page.py", 2, "imports DEFAULT_DATA"),
    }


def test_relative_imports_resolve_to_modules_or_packages(tmp_path):
    write(tmp_path, {
        "plan_monitor/__init__.py": "",
        "plan_monitor/outputs/__init__.py": "",
        "plan_monitor/outputs/briefing/__init__.py": "from .deck import Deck\nfrom .. import charts\n",
        "plan_monitor/outputs/briefing/deck.py": "from ...present import format\nfrom ... import errors\n",
        "plan_monitor/outputs/charts.py": "",
    })
    init = tmp_path / "plan_monitor/outputs/briefing/__init__.py"
    deck = tmp_path / "plan_monitor/outputs/briefing/deck.py"
    assert [n for _, n in imported(tmp_path, init, ast.parse(init.read_text()))] == [
        "plan_monitor.outputs.briefing.deck", "plan_monitor.outputs.charts"]
    # present/format.py and errors.py do not exist here: the package is what was imported
    assert [n for _, n in imported(tmp_path, deck, ast.parse(deck.read_text()))] == [
        "plan_monitor.present", "plan_monitor"]
