"""Serve the player with a fixture course from a temporary folder (shared by tests/player and the benchmark)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

from course.core.headers import content_security_policy

ROOT = Path(__file__).resolve().parents[2]
PLAYER = ROOT / "scorm_export" / "player"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLAYER_FILES = ("index.html", "player.css", "marking.js", "runtime.js", "player.js")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def marking_js() -> Path:
    """marking.js to serve: the real one, or CC_MARKING_JS while it is being written."""
    return Path(os.environ.get("CC_MARKING_JS") or PLAYER / "marking.js")


def fixture_course() -> dict:
    """The fixture course document: three modules, every question type, a branching scenario."""
    return json.loads((FIXTURES / "course.json").read_text(encoding="utf-8"))


def build_site(dest: Path, launch: dict, course: dict | None = None) -> Path:
    """Copy the player into dest with course-data.js and launch.js as the exporter writes them."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PLAYER_FILES:
        shutil.copyfile(marking_js() if name == "marking.js" else PLAYER / name, dest / name)
    data = json.dumps(course or fixture_course(), sort_keys=True, separators=(",", ":"))
    (dest / "course-data.js").write_text(f"window.CC_COURSE = {data};\n", encoding="utf-8")
    (dest / "launch.js").write_text(f"window.CC_LAUNCH = {json.dumps(launch)};\n", encoding="utf-8")
    return dest


class _Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as any real web server or LMS serves files

    def log_message(self, *args):  # keep test output clean
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        # The app's policy: the player must run under it (its data comes from files here).
        self.send_header("Content-Security-Policy", content_security_policy())
        super().end_headers()


@contextlib.contextmanager
def serve(folder: Path):
    """A static HTTP server on 127.0.0.1 (random port) for folder; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
