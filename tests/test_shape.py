"""Measures of shape: imports run one way, portal <- courses <- network <- bookings
<- cases.

Every `import` and `from … import` of the apps' code counts, including those
inside functions: an import hidden in a function is still a dependency. So do
dotted paths handed to `apps.get_model`, `import_string` or `import_module`.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
APPS = ("portal", "courses", "network", "bookings", "cases")
# Lowest first: an app may import only those before it.
ORDER = {name: rank for rank, name in enumerate(APPS)}
# Where portal wires the apps together (the URL tree, settings).
WIRING = ("portal.urls", "portal.settings")
STRING_LOOKUPS = {"get_model", "import_string", "import_module", "find_spec"}
DOTTED = re.compile(r"^(?P<app>[a-z_]+)\.[A-Za-z_][\w.]*$")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_files() -> dict[str, Path]:
    files = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            files[_module_name(path)] = path
    return files


FILES = _app_files()


def _imported(module: str, path: Path) -> set[str]:
    """Project modules `module` imports anywhere in its file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    result = set()
    for name in found:
        # `import a.b.c` depends on a.b.c (the deepest project module named).
        while name and name not in FILES:
            name = name.rpartition(".")[0]
        if name and name != module:
            result.add(name)
    return result


GRAPH = {module: _imported(module, path) for module, path in FILES.items()}


def _string_lookups(source: str, *, app: str) -> list[tuple[int, str]]:
    """(line, dotted path) of strings in `source` (code of `app`) that name a
    module or model: passed to apps.get_model / import_string / import_module,
    or naming another app's module in a table of such paths."""
    tree = ast.parse(source)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in STRING_LOOKUPS:
                for arg in node.args[:1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        hits.append((node.lineno, arg.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = DOTTED.match(node.value)
            if match and match["app"] in APPS and match["app"] != app:
                hits.append((node.lineno, node.value))
    return sorted(set(hits))


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, …, a], or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(node):
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == GREY:
                return stack[stack.index(nxt):] + [nxt]
            if colour[nxt] == WHITE:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE:
            found = visit(node)
            if found:
                return found
    return None


def _all_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module, as one cycle each."""
    cycles = []
    remaining = {k: set(v) for k, v in graph.items()}
    while True:
        cycle = _find_cycle(remaining)
        if cycle is None:
            return cycles
        cycles.append(cycle)
        remaining[cycle[0]].discard(cycle[1])  # break it and look for the next


def test_the_graph_sees_imports_inside_functions():
    # Guards the walk itself: a walker that missed function-level imports
    # would pass every test below. bookings.apps imports its signals in ready().
    assert "bookings.signals" in GRAPH["bookings.apps"]
    assert "portal.models" in GRAPH["portal.privacy"]
    assert len(FILES) > 60


def test_the_cycle_finder_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [
        "a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_there_are_no_import_circles():
    cycles = _all_cycles(GRAPH)
    assert cycles == [], "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _upward_edges(app: str) -> list[str]:
    edges = []
    for module, targets in GRAPH.items():
        if module.split(".")[0] != app or module.startswith(WIRING):
            continue
        for target in sorted(targets):
            if ORDER[target.split(".")[0]] > ORDER[app]:
                edges.append(f"{module} -> {target}")
    return edges


def test_portal_imports_no_higher_app():
    assert _upward_edges("portal") == []


def test_courses_imports_no_bookings():
    assert _upward_edges("courses") == []


@pytest.mark.parametrize("app", ["portal", "courses"])
def test_no_higher_app_is_reached_through_a_dotted_string(app):
    hits = []
    for module, path in FILES.items():
        if module.split(".")[0] != app or module.startswith(WIRING):
            continue
        for line, value in _string_lookups(path.read_text(encoding="utf-8"), app=app):
            named = value.split(".")[0]
            if named in ORDER and ORDER[named] > ORDER[app]:
                hits.append(f"{module}:{line} {value}")
    assert hits == []


def test_the_string_check_sees_a_lookup():
    # Guards the check: both ways portal used to reach bookings and courses.
    source = ('from django.apps import apps\n'
              'def f():\n    return apps.get_model("bookings.Booking")\n'
              'TABLE = {"a": "courses.templatetags.course_tags.render"}\n')
    assert _string_lookups(source, app="portal") == [
        (3, "bookings.Booking"), (4, "courses.templatetags.course_tags.render")]


@pytest.mark.parametrize("module", sorted(m for m in FILES if not m.startswith(
    "portal.settings")))
def test_each_app_module_imports_cleanly(module):
    importlib.import_module(module)


# --- no repeated blocks --------------------------------------------------------------

REPEAT_LINES = 6


def _is_demo_data(path: Path) -> bool:
    return path.stem.startswith("demo") or "demo" in path.parts


def _repeated_blocks(files: dict[str, Path], *, root: Path = ROOT,
                     size: int = REPEAT_LINES) -> list[str]:
    """Every run of `size` code lines that stands in two places, as
    "a.py:10 = b.py:40". Lines are stripped; blank lines, comments and import
    statements (lists of names, not logic) are skipped."""
    seen: dict[tuple[str, ...], str] = {}
    found = []
    for path in files.values():
        source = path.read_text(encoding="utf-8")
        imports = {n for node in ast.walk(ast.parse(source))
                   if isinstance(node, ast.Import | ast.ImportFrom)
                   for n in range(node.lineno, node.end_lineno + 1)}
        numbered = [(n, line.strip()) for n, line in enumerate(source.splitlines(), 1)
                    if n not in imports]
        code = [(n, text) for n, text in numbered if text and not text.startswith("#")]
        for start in range(len(code) - size + 1):
            block = tuple(text for _, text in code[start:start + size])
            where = f"{path.relative_to(root)}:{code[start][0]}"
            if block in seen:
                found.append(f"{seen[block]} = {where}")
            else:
                seen[block] = where
    return found


def test_the_repeat_finder_finds_a_repeated_block(tmp_path):
    body = "\n".join(f"x{i} = {i}" for i in range(REPEAT_LINES))
    (tmp_path / "a.py").write_text(body + "\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("# other\n\n" + body + "\n", encoding="utf-8")
    files = {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    assert _repeated_blocks(files, root=tmp_path) == ["a.py:1 = b.py:3"]
    (tmp_path / "b.py").write_text(body.replace("x3 = 3", "y = 3"), encoding="utf-8")
    assert _repeated_blocks(files, root=tmp_path) == []


def test_no_block_of_six_lines_repeats_in_app_code():
    """Outside migrations and demo data, a block of six or more code lines
    stands in one place only: logic that is the same is written once."""
    app_code = {m: p for m, p in FILES.items() if not _is_demo_data(p)}
    assert _repeated_blocks(app_code) == []


# --- services and selectors know no HTTP -----------------------------------------------

BUSINESS = re.compile(r"(^|_)(services|selectors|permissions|privacy|tokens|reports)$")
HTTP_NAMES = {"Http404", "get_object_or_404", "get_list_or_404", "HttpRequest"}


def _http_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{node.lineno}: {node.id}" for node in ast.walk(tree)
             if isinstance(node, ast.Name) and node.id in HTTP_NAMES]
    found += [f"{node.lineno}: {alias.name}" for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) for alias in node.names
              if alias.name in HTTP_NAMES]
    found += [f"{node.lineno}: parameter {arg.arg}" for node in ast.walk(tree)
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
              for arg in (*node.args.args, *node.args.kwonlyargs) if arg.arg == "request"]
    return found


def test_services_and_selectors_raise_domain_errors_and_take_no_request():
    """Writes and reads raise `portal.errors.NotFound` (or a ValidationError);
    the doors (views, the API) turn them into 404/409/422."""
    offenders = {m: uses for m, p in FILES.items()
                 if BUSINESS.search(m.rsplit(".", 1)[-1]) and (uses := _http_uses(p))}
    assert offenders == {}
