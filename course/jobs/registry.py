"""The kinds of job, keyed by a stable name that is stored on each job.

A kind is one function that takes a ``JobContext`` and returns the result summary (a JSON
dict), raising ``JobFailed`` with every problem and its position when the input is wrong. It
flushes and never commits: the runner commits its work together with the job's "done", or rolls
all of it back. The one exception is mailing invitations (``course.accounts.jobs``): mail cannot
be taken back, so it commits each batch's links before they are sent. Each area declares its kinds in its own ``jobs`` module, listed in ``KIND_MODULES``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The modules that declare job kinds. Adding one (an export, demo data, a report)? One line here.
KIND_MODULES: list[str] = [
    "course.accounts.jobs",
    "course.bank.jobs",
    "course.authoring.jobs",
    "course.frameworks.jobs",
    "course.privacy.jobs",
    "course.publishing.jobs",
    "course.reports.demo_jobs",
    "course.reports.jobs",
]


class JobFailed(Exception):
    """The job's input is wrong: nothing it did is kept. ``errors`` are {"where", "message"}
    dicts; ``result`` is what the job found before it failed (counts, skipped items), if any."""

    def __init__(self, errors: list[dict[str, str]], result: dict[str, Any] | None = None):
        self.errors = errors
        self.result = result
        super().__init__("; ".join(f"{e['where']}: {e['message']}" if e.get("where") else e["message"]
                                   for e in errors))


def problem(where: str | None, message: str) -> dict[str, str]:
    """One error of a job: where it is (file and line, JSON path, question) and what is wrong."""
    return {"where": where or "", "message": message}


@dataclass
class JobContext:
    """What a kind's function is given: the job's params and file, and a way to report progress."""

    id: str
    kind: str
    params: dict[str, Any]
    payload: bytes | None
    organisation_id: int | None
    owner_id: int | None
    report: Callable[[int, int, str], None] = field(repr=False)

    def progress(self, done: int, total: int, note: str) -> None:
        """Show "step ``done`` of ``total``: ``note``" on the job's page. Call it before the kind
        writes anything: it is saved on its own connection, and SQLite takes one writer at a time."""
        self.report(done, total, note)


@dataclass(frozen=True)
class JobKind:
    """A registered kind: its function, what the job page calls it, and its result template."""

    name: str
    label: str
    run: Callable[[JobContext], dict[str, Any]]
    template: str | None = None  # the partial showing its result on the job page


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: str, template: str | None = None) -> Callable[[Callable], Callable]:
    """Register the decorated function as the job kind ``name``; a name used twice is an error."""

    def decorator(function: Callable[[JobContext], dict[str, Any]]) -> Callable[[JobContext], dict[str, Any]]:
        existing = _KINDS.get(name)
        if existing is not None and existing.run is not function:
            raise ValueError(f"job kind {name!r} is registered twice ({existing.run.__module__} and "
                             f"{function.__module__})")
        _KINDS[name] = JobKind(name=name, label=label, run=function, template=template)
        return function

    return decorator


def load_kinds() -> None:
    """Import every module in KIND_MODULES so that their kinds are registered."""
    for module in KIND_MODULES:
        importlib.import_module(module)


def get_kind(name: str) -> JobKind:
    """The kind called ``name``; LookupError naming it when no module registers it."""
    load_kinds()
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} (known: {', '.join(sorted(_KINDS))})") from None
