"""The layering the README's architecture section draws, checked on the source.

A short AST walk over every app module (migrations aside) collects each import —
module-level and function-local, absolute and relative — and asserts:

1. no module imports one of a higher layer (a hand-off upward is a signal);
2. no import cycle between modules, other than a module that enqueues its own
   app's Celery task through a function-local ``import … tasks`` (the task module
   imports the service back: pretix's "task defined beside the service" case);
3. no ``except ImportError`` around a project import (every app is installed);
4. no SQL table name of a project model written as a string outside migrations
   (``Model._meta.db_table`` names a table, so renaming a model cannot miss it).

Each check first proves on a small made-up source that it can fail.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Low → high. A package listed deeper than another (scoring.onestop under scoring)
# takes its own layer; the longest matching prefix decides.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("organization", "audit", "notifications"),
    ("campaigns",),
    ("scoring.onestop",),
    ("scoring",),
    ("awards", "par_index"),
    ("contests",),
    ("cchc_portal",),
]
LAYER_OF = {pkg: i for i, pkgs in enumerate(LAYERS) for pkg in pkgs}
PACKAGES = sorted(LAYER_OF, key=len, reverse=True)
TOP_LEVEL = {p.split(".")[0] for p in LAYER_OF}


def layer(module: str) -> int | None:
    for pkg in PACKAGES:
        if module == pkg or module.startswith(pkg + "."):
            return LAYER_OF[pkg]
    return None


def source_files() -> dict[str, Path]:
    """Dotted module name → file, for every app module outside migrations."""
    out: dict[str, Path] = {}
    for top in sorted(TOP_LEVEL):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported project module, line, function-local?) for each import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    local_lines: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(fn):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    local_lines.add(inner.lineno)
    found: list[tuple[str, int, bool]] = []

    def add(name: str, line: int) -> None:
        # "from pkg import sub" names the submodule when it is one.
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            found.append((name, line, line in local_lines))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in TOP_LEVEL:
                    add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            if target.split(".")[0] not in TOP_LEVEL:
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                add(full if full in known else target, node.lineno)
    return found


def upward_imports(files: dict[str, Path], root: Path = ROOT) -> list[str]:
    known = set(files)
    problems = []
    for module, path in sorted(files.items()):
        here = layer(module)
        for target, line, _ in imports_of(module, path, known):
            there = layer(target)
            if here is not None and there is not None and there > here:
                problems.append(f"{path.relative_to(root)}:{line} {module} → {target} (tầng {here} → {there})")
    return problems


def import_cycles(files: dict[str, Path]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    known = set(files)
    graph: dict[str, set[str]] = {m: set() for m in files}
    enqueues: set[tuple[str, str]] = set()  # function-local imports of a sibling tasks module
    for module, path in files.items():
        for target, _, local in imports_of(module, path, known):
            if target == module:
                continue
            graph[module].add(target)
            if local and target.rpartition(".")[2] == "tasks" \
                    and target.rpartition(".")[0] == module.rpartition(".")[0]:
                enqueues.add((module, target))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            pair = tuple(component)
            # A service enqueueing its own app's task (the task imports the service
            # back) is the one tolerated loop: exactly two modules, joined by a
            # function-local import of the tasks module.
            tolerated = len(pair) == 2 and ((pair[0], pair[1]) in enqueues or (pair[1], pair[0]) in enqueues)
            if len(component) > 1 and not tolerated:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def import_error_guards(files: dict[str, Path], root: Path = ROOT) -> list[str]:
    problems = []
    for _module, path in sorted(files.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            catches = {
                n.id for h in node.handlers if h.type is not None
                for n in ast.walk(h.type) if isinstance(n, ast.Name)
            }
            if not catches & {"ImportError", "ModuleNotFoundError"}:
                continue
            for inner in node.body:
                for n in ast.walk(inner):
                    mod = getattr(n, "module", None) if isinstance(n, ast.ImportFrom) else None
                    names = [a.name for a in n.names] if isinstance(n, ast.Import) else []
                    if (isinstance(n, ast.ImportFrom) and (n.level or (mod or "").split(".")[0] in TOP_LEVEL)) \
                            or any(name.split(".")[0] in TOP_LEVEL for name in names):
                        problems.append(f"{path.relative_to(root)}:{node.lineno}")
    return problems


def table_name_strings(files: dict[str, Path], tables: set[str], root: Path = ROOT) -> list[str]:
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, tables), key=len, reverse=True)) + r")\b")
    problems = []
    for _module, path in sorted(files.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                hit = pattern.search(node.value)
                if hit:
                    problems.append(f"{path.relative_to(root)}:{node.lineno} “{hit.group(1)}”")
    return problems


def project_tables() -> set[str]:
    from django.apps import apps

    return {
        m._meta.db_table for m in apps.get_models(include_auto_created=True)
        if layer(m.__module__) is not None
    }


# --- the checks can fail ------------------------------------------------------------


def test_the_checks_catch_what_they_are_for(tmp_path):
    sources = {
        "organization.views": "from campaigns.models import Campaign\n",
        "campaigns.models": "from organization.views import x\n",
        "scoring.a": "def f():\n    from .b import g\n",
        "scoring.b": "from scoring.a import f\n",
        "scoring.onestop.services": "def q():\n    from .tasks import t\n",
        "scoring.onestop.tasks": "from .services import q\n",
        "awards.eligibility": "try:\n    from scoring import models\nexcept ImportError:\n    models = None\n",
        "awards.raw": "SQL = 'SELECT * FROM onestop_dossier'\n",
    }
    files = {}
    for module, text in sources.items():
        path = tmp_path / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files[module] = path
    assert upward_imports(files, tmp_path) == [
        "organization/views.py:1 organization.views → campaigns.models (tầng 1 → 2)"
    ]
    cycles = import_cycles(files)
    assert ["scoring.a", "scoring.b"] in cycles
    assert ["campaigns.models", "organization.views"] in cycles
    assert not any("scoring.onestop.tasks" in c for c in cycles)  # the tolerated enqueue
    # …but not when the task module reaches the service through a third module.
    files["awards.tasks"] = tmp_path / "awards/tasks.py"
    files["awards.tasks"].write_text("from .documents import render\n", encoding="utf-8")
    files["awards.documents"] = tmp_path / "awards/documents.py"
    files["awards.documents"].write_text("from .services import x\n", encoding="utf-8")
    files["awards.services"] = tmp_path / "awards/services.py"
    files["awards.services"].write_text("def go():\n    from .tasks import render\n", encoding="utf-8")
    assert ["awards.documents", "awards.services", "awards.tasks"] in import_cycles(files)
    assert import_error_guards(files, tmp_path) == ["awards/eligibility.py:1"]
    assert table_name_strings(files, {"onestop_dossier"}, tmp_path) == ["awards/raw.py:1 “onestop_dossier”"]


# --- the tree ---------------------------------------------------------------------


def test_no_module_imports_a_higher_layer():
    assert upward_imports(source_files()) == []


def test_no_import_cycles():
    assert import_cycles(source_files()) == []


def test_no_import_error_fallbacks_around_project_imports():
    assert import_error_guards(source_files()) == []


def test_no_table_names_written_as_strings():
    assert table_name_strings(source_files(), project_tables()) == []


# The one definition of each shared rule (issue: "one definition each of the tie
# rule, the month helpers and the formula evaluator").
ONE_HOME = {
    "competition_rank": "core.ranking",
    "competition_ranks": "core.ranking",
    "as_date": "core.periods",
    "month_start": "core.periods",
    "month_end": "core.periods",
    "add_months": "core.periods",
    "next_month": "core.periods",
    "months_between": "core.periods",
    "parse_month": "core.periods",
    "parse_expression": "scoring.expressions",
    "evaluate": "scoring.expressions",
    "validate_definition": "scoring.expressions",
}
# Month stepping by hand ("+ 32 days, day 1", "day 28 + 4 days").
HAND_MONTH_ARITHMETIC = re.compile(r"timedelta\(days=3[12]\)|replace\(day=28\)")


def misplaced_definitions(files: dict[str, Path], root: Path = ROOT) -> list[str]:
    problems = []
    for module, path in sorted(files.items()):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = node.name.lstrip("_")
                if name in ONE_HOME and ONE_HOME[name] != module:
                    problems.append(f"{path.relative_to(root)}:{node.lineno} def {node.name} (chỉ ở {ONE_HOME[name]})")
        if module != "core.periods":
            for i, line in enumerate(text.splitlines(), start=1):
                if HAND_MONTH_ARITHMETIC.search(line):
                    problems.append(f"{path.relative_to(root)}:{i} tự tính tháng")
    return problems


def test_shared_rules_are_defined_once(tmp_path):
    path = tmp_path / "contests" / "services.py"
    path.parent.mkdir()
    path.write_text("def competition_rank(v):\n    pass\nx = (d + timedelta(days=32)).replace(day=1)\n",
                    encoding="utf-8")
    assert misplaced_definitions({"contests.services": path}, tmp_path) == [
        "contests/services.py:1 def competition_rank (chỉ ở core.ranking)",
        "contests/services.py:3 tự tính tháng",
    ]
    assert misplaced_definitions(source_files()) == []
    defined = {
        m for m, p in source_files().items()
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(n, ast.FunctionDef) and n.name in ONE_HOME and ONE_HOME[n.name] == m
    }
    assert defined == set(ONE_HOME.values())


def test_every_pytest_raises_names_its_refusal():
    """``pytest.raises`` without ``match=`` passes for the wrong refusal."""
    unnamed = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "raises" \
                    and getattr(node.func.value, "id", "") == "pytest" and not any(k.arg == "match" for k in node.keywords):
                unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unnamed == []
