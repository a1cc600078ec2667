"""The SHACL shapes (ontology/shapes.ttl), tested against the case files in ``cases/``.

The cases are data, like the W3C test suites: one small Turtle file per rule, named after the
shape and the rule (``organization-level-not-in-list.ttl``), that starts with a header of
``# key: value`` lines, ``expect`` first, and breaks exactly one rule of an otherwise valid
description:

    # expect: violation | warning | conforms
    # message: <a distinctive substring of the expected sh:message>     (not for conforms)
    # focus: <the IRI expected as the focus node of that result>        (optional)
    # also: <a substring of another message the case also triggers>    (optional, repeatable)
    # xfail: <why the case fails today>                                 (optional)

The header ends at the first line that is not such a ``# key: value`` line; a free comment about
the case follows it. ``also`` names the results that come with the rule by construction (a nested
``sh:node`` reports both the outer property and the inner shape). ``xfail`` marks a case that is
right but fails because of a known bug outside the shapes; it is a strict xfail, so the case
turns red once the bug is fixed and the line must be removed.

Each case is validated the way contributions are (``validate_data`` with the bundled ontology,
vocabularies, countries and actors as context), and must give:

* ``violation``: the data does not conform, and a violation carries the message (at the focus);
* ``warning``: the data conforms (warnings do not block), and a warning carries the message;
* ``conforms``: no violation and no warning.

Besides, every result of a case must be its ``message`` or one of its ``also`` messages (the
case breaks one rule only), every ``sh:message`` of the shapes must be the ``message`` of some
case (every rule has a test), and every substring must pick out exactly one ``sh:message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from r2p_graph.ontology.bundle import SHAPES_FILE
from r2p_graph.services.validation import ValidationReport, ValidationResult, validate_data
from r2p_graph.store.formats import RdfFormat

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.ttl"))
EXPECTATIONS = ("violation", "warning", "conforms")

_HEADER_LINE = re.compile(r"^#\s*(?P<key>[a-z]+):\s*(?P<value>.*?)\s*$")
_SINGLE_KEYS = frozenset({"expect", "message", "focus", "xfail"})
_REPEATED_KEYS = frozenset({"also"})
_FILE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.ttl$")


class CaseFormatError(ValueError):
    """A case file whose header does not follow the fixed form."""


@dataclass(frozen=True, slots=True)
class Case:
    """One case file and what its header expects."""

    path: Path
    expect: str
    message: str | None
    focus: str | None
    also: tuple[str, ...]
    xfail: str | None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def substrings(self) -> tuple[str, ...]:
        """The message substrings the case names: its own message, then the ``also`` ones."""
        own = () if self.message is None else (self.message,)
        return own + self.also


def parse_case(path: Path) -> Case:
    """Read the header of a case file; ``CaseFormatError`` when it is malformed."""
    single: dict[str, str] = {}
    also: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        match = _HEADER_LINE.match(line)
        if match is None:
            break
        key, value = match["key"], match["value"]
        if (number == 0) != (key == "expect"):
            raise CaseFormatError(f"{path.name}: the header starts with '# expect: ...', once")
        if not value:
            raise CaseFormatError(f"{path.name}: empty value for '{key}'")
        if key in _REPEATED_KEYS:
            also.append(value)
        elif key in _SINGLE_KEYS:
            if key in single:
                raise CaseFormatError(f"{path.name}: '{key}' given twice")
            single[key] = value
        else:
            raise CaseFormatError(f"{path.name}: unknown header key '{key}'")
    expect = single.get("expect")
    if expect not in EXPECTATIONS:
        raise CaseFormatError(f"{path.name}: expect is one of {', '.join(EXPECTATIONS)}")
    message = single.get("message")
    if expect == "conforms":
        if message is not None or also or "focus" in single:
            raise CaseFormatError(f"{path.name}: a conforms case has no message, focus or also")
    elif message is None:
        raise CaseFormatError(f"{path.name}: a {expect} case needs '# message: ...'")
    focus = single.get("focus")
    if focus is not None:
        focus = focus.removeprefix("<").removesuffix(">")
    return Case(path, expect, message, focus, tuple(also), single.get("xfail"))


def _params(paths: Iterable[Path]) -> list[object]:
    """One pytest parameter per case file, marked xfail (strict) when its header says so."""
    params: list[object] = []
    for path in paths:
        marks = []
        try:
            reason = parse_case(path).xfail
        except CaseFormatError:
            reason = None  # reported by the test itself
        if reason is not None:
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


@cache
def _report(path: Path) -> ValidationReport:
    return validate_data(path.read_bytes(), RdfFormat.TURTLE, source_name=path.name)


@cache
def shape_messages() -> tuple[str, ...]:
    """Every distinct sh:message of the shapes."""
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    return tuple(sorted({str(message) for message in shapes.objects(None, SH.message)}))


def _describe(case: Case, report: ValidationReport, problem: str) -> str:
    lines = [f"{case.name}: {problem}", f"results ({len(report.results)}):"]
    lines += [f"  {result}" for result in report.results] or ["  (none)"]
    return "\n".join(lines)


def _carries(result: ValidationResult, case: Case) -> bool:
    assert case.message is not None
    return case.message in result.message and (case.focus is None or result.focus == case.focus)


def _expected(case: Case) -> str:
    where = "" if case.focus is None else f" at {case.focus}"
    return f"a {case.expect} with message containing {case.message!r}{where}"


@pytest.mark.parametrize("path", _params(CASE_FILES))
def test_case(path: Path) -> None:
    case = parse_case(path)
    report = _report(path)
    if case.expect == "violation":
        assert not report.conforms, _describe(case, report, f"conforms, expected {_expected(case)}")
        assert any(_carries(r, case) for r in report.violations), _describe(
            case, report, f"expected {_expected(case)}"
        )
    elif case.expect == "warning":
        assert report.conforms, _describe(case, report, "warnings must not block, but it fails")
        assert any(_carries(r, case) for r in report.warnings), _describe(
            case, report, f"expected {_expected(case)}"
        )
    else:
        assert not report.results, _describe(case, report, "expected no violation and no warning")


def _expects_results(path: Path) -> bool:
    try:
        return parse_case(path).expect != "conforms"
    except CaseFormatError:
        return True  # reported by the test itself


@pytest.mark.parametrize("path", _params(p for p in CASE_FILES if _expects_results(p)))
def test_case_breaks_only_its_rule(path: Path) -> None:
    """The results of a case are its message and its ``also`` messages, each at least once."""
    case = parse_case(path)
    report = _report(path)
    unexpected = sorted(
        {r.message for r in report.results if not any(s in r.message for s in case.substrings)}
    )
    missing = [s for s in case.substrings if not any(s in r.message for r in report.results)]
    assert not unexpected and not missing, _describe(
        case, report, f"unexpected messages {unexpected}, missing messages {missing}"
    )


def test_there_are_cases() -> None:
    cases = [parse_case(p) for p in CASE_FILES]
    assert len([c for c in cases if c.expect == "conforms" and c.xfail is None]) >= 5
    assert [c for c in cases if c.expect == "warning"]
    assert [c for c in cases if c.expect == "violation"]


def test_case_file_names() -> None:
    bad = [p.name for p in CASE_FILES if not _FILE_NAME.match(p.name)]
    assert not bad, f"case files must be named like shape-rule.ttl (lower case, dashes): {bad}"


def test_every_case_substring_names_exactly_one_shape_message() -> None:
    messages = shape_messages()
    problems = []
    for path in CASE_FILES:
        case = parse_case(path)
        for substring in case.substrings:
            matches = [m for m in messages if substring in m]
            if len(matches) != 1:
                problems.append(f"{case.name}: {substring!r} matches {len(matches)}: {matches}")
    assert not problems, "\n".join(problems)


def test_every_shape_message_has_a_case() -> None:
    cases = [parse_case(p) for p in CASE_FILES]
    untested = [m for m in shape_messages() if not any(c.message and c.message in m for c in cases)]
    assert not untested, "sh:messages without a case expecting them:\n" + "\n".join(untested)


def test_every_shape_message_has_a_case_that_passes_today() -> None:
    """A rule whose only cases are known failures (xfail) is not really tested yet."""
    cases = [parse_case(p) for p in CASE_FILES if parse_case(p).xfail is None]
    untested = [m for m in shape_messages() if not any(c.message and c.message in m for c in cases)]
    assert not untested, "sh:messages tested only by xfail cases:\n" + "\n".join(untested)


def test_case_header_format(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(
        "# expect: violation\n# message: abc\n# focus: <https://x/y>\n# also: def\n# also: ghi\n"
        "#\n# note: free text after the header\n"
        "@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .\n"
    )
    case = parse_case(good)
    assert (case.expect, case.message, case.focus) == ("violation", "abc", "https://x/y")
    assert (case.also, case.xfail) == (("def", "ghi"), None)
    bad_headers = (
        "# message: abc\n# expect: violation\n",  # expect comes first
        "# expect: violation\n# expect: violation\n# message: abc\n",
        "# expect: conforms\n# message: abc\n",
        "# expect: warning\n",
        "# expect: violation\n# messsage: abc\n",
        "# expect: broken\n",
        "@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .\n",
    )
    for number, text in enumerate(bad_headers):
        bad = tmp_path / f"bad-{number}.ttl"
        bad.write_text(text)
        with pytest.raises(CaseFormatError):
            parse_case(bad)
