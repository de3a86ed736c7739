"""What the docs name exists: modules, files, links, commands and their options.

Readers type what the README and `docs/` say and follow the modules a
docstring points them to, so a rename that leaves a mention behind sends
them nowhere. Each check reads spans in backticks (and the lines of fenced
code blocks) and holds them against the tree and the CLI's own parser:

- a dotted name of ours (`optimizer.dive.full_solve`, `policies.builtin:Milp`)
  names a module file, and what follows it is a name that module defines;
- a repository path (`optimizer/vrp/engine.py`, `deploy/k8s/`, a bare
  `warm.py`) is a file or folder, from the root or from the mentioning
  file's folder (names of files a command writes, `summary.json`, are not
  repository paths and are left alone: only known top folders are checked);
- a class-like name (`WarmPlanner`, `OrderBook.demand_levels`) and the
  attributes after it are names the source uses;
- a Markdown link to a file or a heading arrives;
- `supplysync COMMAND [ACTION] --option`, `make TARGET` and
  `python -m MODULE` name a real subcommand, option, target and module.

CHANGELOG.md is left out: it tells what was, under the names of the time.
"""

from __future__ import annotations

import argparse
import io
import re
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from console.main import build_parser
from tests.conftest import ROOT

PACKAGES: tuple[str, ...] = ("agents", "optimizer", "adapters", "api", "cluster", "supplysync")
PACKAGES += ("replan", "policies", "runtime", "reads", "evaluation", "benchmarks", "console")
PACKAGES += ("examples", "tests")
DOCS = sorted([ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("deploy/**/*.md")])
SOURCES = sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))

DOTTED = re.compile(rf"(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?(?:\(\))?")
PATH = re.compile(r"(?:\.\./|\./)?[\w.-]+(?:/[\w.-]+)*(?:/|\.\w+)")
COMMAND = re.compile(r"(?:^|[;&|(]\s*|\bbin/|^(?:[A-Z_]+=\S*\s+)+)supplysync\s+([a-z][\w-]*)(.*)")
MAKE = re.compile(r"(?:^|[;&|]\s*)make\s+([a-z][\w-]*)")
PYTHON_M = re.compile(r"python3? -m ((?:\w+\.)*\w+)")
CAMEL = re.compile(r"(?<![\w.])([A-Z][a-z0-9]+[A-Z]\w*)((?:\.[a-z_]\w*)*)(?![\w.(])")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PLANTED = ROOT / "docs" / "planted.md"
"""Where the checks' own examples say they stand (never written)."""
BESIDE = "../shared/"
"""The reference design and data beside the project (tests that read them skip without)."""
CHECKED_FOLDERS = {*PACKAGES, "docs", "deploy", "scenarios", ".ci", "..", "."}


def _doc_spans(text: str) -> Iterator[str]:
    """Backtick spans outside fenced blocks, and the (joined) lines inside them."""
    fenced = False
    lines: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            lines.append(line)
        else:
            yield from re.findall(r"`([^`\n]+)`", line)
    joined = "\n".join(lines).replace("\\\n", " ")
    yield from joined.splitlines()


def _source_spans(text: str) -> Iterator[str]:
    """Backtick spans of a module's docstrings, other string blocks and comments."""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        prose = tok.type == tokenize.COMMENT or (
            tok.type == tokenize.STRING and tok.string.lstrip("rbuRBU")[:3] in ('"""', "'''")
        )
        if prose:
            yield from re.findall(r"`([^`\n]+)`", tok.string)


def _spans(path: Path, text: str) -> list[str]:
    return list(_doc_spans(text) if path.suffix == ".md" else _source_spans(text))


@cache
def _names_in(module: Path) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", module.read_text(encoding="utf-8")))


def _module_file(parts: list[str]) -> Path | None:
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _entry_point_groups() -> frozenset[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return frozenset(re.findall(r'\[project\.entry-points\."([^"]+)"\]', text))


def dotted_problem(name: str) -> str | None:
    """Why `name` (`pkg.module.attr`, `pkg.module:Class`) names nothing, or None."""
    name = name.removesuffix("()")
    if name in _entry_point_groups():
        return None
    parts = re.split(r"[.:]", name)
    for i in range(len(parts), 0, -1):
        module = _module_file(parts[:i])
        if module is not None:
            missing = [p for p in parts[i:] if p not in _names_in(module)]
            where = module.relative_to(ROOT)
            return f"{where} defines no {'.'.join(missing)}" if missing else None
    return "no such module"


@cache
def _source_names() -> frozenset[str]:
    """Every word of the source but this file's, which plants names that are not there."""
    here = Path(__file__).resolve()
    return frozenset(w for path in SOURCES if path != here for w in _names_in(path))


def camel_problem(name: str, attributes: str) -> str | None:
    """Why `Name.attr...` is not in the source, or None."""
    missing = [w for w in [name, *attributes.split(".")[1:]] if w not in _source_names()]
    return f"the source has no {', '.join(missing)}" if missing else None


def path_problem(text: str, mentioned_in: Path) -> str | None:
    """Why the repository path `text` is not there, or None (None too for other names).

    A path is looked up from the root, from the mentioning file's folder
    and its parents, and from that folder's subfolders (a page on `deploy/`
    may speak from `k8s/`), and must lie inside the repository; a bare file
    name anywhere in the tree. A path
    `.gitignore` anchors is one an operator or a command writes; one in
    `../shared/` is beside the project, not in it.
    """
    if text.startswith(BESIDE):
        return None
    first = text.split("/", maxsplit=1)[0]
    if "/" not in text:
        if not text.endswith(".py"):
            return None
        return None if text in _file_names() else "no such file"
    if first not in CHECKED_FOLDERS:
        return None
    here = (ROOT / mentioned_in).parent
    folders = [ROOT, here, *here.parents, *(p for p in here.iterdir() if p.is_dir())]
    found = [(folder / text).resolve() for folder in folders if (folder / text).exists()]
    if any(ROOT in (f, *f.parents) for f in found):
        return None
    if any(text == i or text.startswith(f"{i}/") for i in _ignored()):
        return None
    return "no such file or folder"


@cache
def _file_names() -> frozenset[str]:
    return frozenset(p.name for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@cache
def _ignored() -> frozenset[str]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip("/") for line in lines if line.startswith("/"))


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(*parsers: argparse.ArgumentParser) -> set[str]:
    return {o for p in parsers for a in p._actions for o in a.option_strings}


def command_problem(command: str, rest: str) -> str | None:
    """Why `supplysync COMMAND REST` is not a command line the CLI takes, or None."""
    top = build_parser()
    commands = _subcommands(top)
    if command not in commands:
        return f"no command {command!r} (there are {', '.join(commands)})"
    parsers = [top, commands[command]]
    words = re.split(r"\s+", re.split(r"\s(?:[|;#]|&&)\s|[`)]", rest)[0].strip())
    actions = _subcommands(commands[command])
    if actions and words and re.fullmatch(r"[a-z][\w-]*", words[0]):
        if words[0] not in actions:
            return f"{command}: no action {words[0]!r} (there are {', '.join(actions)})"
        parsers.append(actions[words[0]])
    known = _options(*parsers)
    flags = [w.split("=")[0] for w in words if w.startswith("--")]
    unknown = [f for f in flags if f not in known]
    return f"{command}: no option {', '.join(unknown)}" if unknown else None


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.M))


def problems(path: Path, text: str | None = None) -> list[str]:
    """Every mention in `path` (or in `text`, said to be there) that names nothing.

    Each as `path: mention: why`.
    """
    text = path.read_text(encoding="utf-8") if text is None else text
    out: list[str] = []

    def say(mention: str, why: str | None) -> None:
        if why:
            out.append(f"{path.relative_to(ROOT)}: {mention!r}: {why}")

    for span in _spans(path, text):
        for m in DOTTED.finditer(span):
            before, after = span[: m.start()], span[m.end() :]
            file = re.search(r"\.(?:py|md|toml|ya?ml|json|txt|conf|png)$", m.group())
            if not re.search(r"[\w/.-]$", before) and not re.match(r"[\w/-]|\.\w", after):
                say(m.group(), None if file else dotted_problem(m.group()))
        for m in CAMEL.finditer(span):
            say(m.group(), camel_problem(m.group(1), m.group(2)))
        for m in PATH.finditer(span):
            before, after = span[: m.start()], span[m.end() :]
            if not re.search(r"[\w/.:@$=-]$", before) and not re.match(r"[\w{<*:]", after):
                say(m.group(), path_problem(m.group(), path))
        for line in span.splitlines():
            if command := COMMAND.search(line):
                say(line, command_problem(command.group(1), command.group(2)))
            if make := MAKE.search(line):
                say(line, None if make.group(1) in _make_targets() else "no such make target")
            for module in PYTHON_M.findall(line):
                if module.split(".")[0] in PACKAGES:
                    parts = module.split(".")
                    found = _module_file(parts) or (ROOT.joinpath(*parts) / "__main__.py")
                    say(line, None if found.is_file() else f"no module {module}")
    if path.suffix == ".md":
        anchors = {_anchor(h) for h in re.findall(r"^#+\s+(.*)$", text, re.M)}
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            if file and not (path.parent / file).exists():
                say(target, "no such file")
            elif anchor and not file and anchor not in anchors:
                say(target, "no such heading")
    return out


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_name_in_the_docs_exists(path: Path) -> None:
    found = problems(path)
    assert not found, "\n".join(found)


def test_every_name_in_the_docstrings_exists() -> None:
    found = [line for path in SOURCES for line in problems(path)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("`optimizer.nowhere`", "defines no nowhere"),
        ("`optimizer.dive.no_such_function`", "defines no no_such_function"),
        ("`policies.builtin:Nobody`", "defines no Nobody"),
        ("`optimizer/nowhere.py`", "no such file"),
        ("`docs/nowhere/`", "no such file"),
        ("`nowhere.py`", "no such file"),
        ("`supplysync nonsense`", "no command 'nonsense'"),
        ("`supplysync scenario nonsense`", "no action 'nonsense'"),
        ("`supplysync demo --no-such-flag`", "no option --no-such-flag"),
        ("`make nonsense`", "no such make target"),
        ("`WarmPlanner.no_such_method`", "the source has no no_such_method"),
        ("`NoSuchPlanner`", "the source has no NoSuchPlanner"),
        ("`python -m benchmarks.nowhere`", "no module benchmarks.nowhere"),
        ("[here](nowhere.md)", "no such file"),
        ("[here](#no-such-heading)", "no such heading"),
    ],
)
def test_a_name_that_is_not_there_is_found(text: str, why: str) -> None:
    found = problems(PLANTED, f"# Planted\n\nSee {text}.\n")
    assert any(why in f for f in found), found


@pytest.mark.parametrize(
    "text",
    [
        "`optimizer.dive.full_solve`",
        "`policies.builtin:Milp`",
        "`supplysync.policies`",
        "`optimizer/vrp/engine.py`",
        "`summary.json`",
        "`walk/eval/report.md`",
        "`supplysync/clock`",
        "`supplysync demo --placement inline`",
        "`supplysync scenario sample --count 3`",
        "`PYTHONPATH=examples supplysync demo --policies milp`",
        "`make test`",
        "`OrderBook.demand_levels`",
        "`python -m benchmarks.replan`",
        "[page](operations.md)",
        "[up](#planted)",
    ],
)
def test_a_name_that_is_there_passes(text: str) -> None:
    assert problems(PLANTED, f"# Planted\n\nSee {text}.\n") == []
