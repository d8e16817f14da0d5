"""What the player page shows of a module that is the same for every learner, rendered once.

A module's part of the course document (course, frameworks, the module and its pages, with their
HTML) costs tens of milliseconds to build (framework JSON and Markdown), and it only changes when
a tutor edits the course. It is kept in a small in-process LRU keyed by
``(course id, Course.content_version, module id, media base)``. The version is read from the
database with the course on every request and is raised in SQL on every edit
(course/learning/content_version.py), so a process never serves an old entry: the next request
after an edit, on any node, misses and rebuilds. Old entries simply age out.

Entries are shared between requests and threads: callers must not change them (copy what they add to).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app

DEFAULT_SIZE = 256


class LRU:
    """A thread-safe least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: Any, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = build()  # outside the lock: two threads may both build once; both results are equal
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


def module_cache() -> LRU:
    """This app's cache (one per app object, so tests with fresh apps never share entries)."""
    cache = current_app.extensions.get("carecourse_player_cache")
    if cache is None:
        cache = LRU(int(current_app.config.get("PLAYER_CACHE_SIZE", DEFAULT_SIZE)))
        current_app.extensions["carecourse_player_cache"] = cache
    return cache
