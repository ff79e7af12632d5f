"""Listeners route, blocks render, the core decides: which package may import which.

Read from the source with `ast` (every import, at the top of a module or inside a function,
relative ones resolved), so the rule holds without importing the code and without a new
tool. A listener parses a request and hands it to a desk in `bot.slack`; it never reads the
database, runs a use case or builds Block Kit itself. Blocks draw what the core returns and
never reach for a use case or the database. The core is plain Python: nothing of Slack, SQL
or the layers around it."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"

# Package → the modules (and everything under them) it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "bot.listeners": ("bot.blocks", "bot.hiring", "bot.db"),
    "bot.blocks": ("bot.hiring", "bot.db"),
    "bot.core": (
        "slack_sdk",
        "slack_bolt",
        "sqlalchemy",
        "bot.slack",
        "bot.blocks",
        "bot.listeners",
        "bot.db",
        "bot.hiring",
    ),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. bot.listeners.events.home
    line: int
    target: str  # what it imports, e.g. bot.hiring.log or bot.blocks.home


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(source: str, module: str, *, is_package: bool = False) -> list[Import]:
    """Every module `module` imports; `from a import b` counts as a.b too (b may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from this package, one level up per extra dot
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            found.append(Import(module, node.lineno, base))
            found += [Import(module, node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def all_imports() -> list[Import]:
    found = []
    for path in sorted(BOT.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found += imports_in(source, module_name(path), is_package=path.name == "__init__.py")
    return found


def breaches(imports: list[Import]) -> list[str]:
    said = set()
    for imported in imports:
        for package, forbidden in FORBIDDEN.items():
            if not within(imported.module, package):
                continue
            for banned in (b for b in forbidden if within(imported.target, b)):
                said.add(
                    f"{imported.module}:{imported.line} imports {banned}, which {package} must not"
                )
    return sorted(said)


def test_each_layer_imports_only_what_it_may() -> None:
    imports = all_imports()
    # Read where the code is: every layer the rule names has imports to judge.
    assert all(any(within(i.module, package) for i in imports) for package in FORBIDDEN)
    found = breaches(imports)
    assert not found, "\n".join(found)


def test_the_check_sees_every_kind_of_import() -> None:
    """Plain, from, relative and function-level imports are all read."""
    assert module_name(BOT / "listeners" / "events" / "home.py") == "bot.listeners.events.home"
    assert module_name(BOT / "listeners" / "__init__.py") == "bot.listeners"
    source = (
        "import sqlalchemy.orm\n"
        "from bot.slack import hire\n"
        "from ..blocks import home\n"
        "from . import routes\n"
        "def later():\n"
        "    from bot.db.models import Conversation\n"
    )
    targets = {i.target for i in imports_in(source, "bot.listeners.events.probe")}
    assert {
        "sqlalchemy.orm",
        "bot.slack.hire",
        "bot.listeners.blocks.home",
        "bot.listeners.events.routes",
        "bot.db.models",
    } <= targets
