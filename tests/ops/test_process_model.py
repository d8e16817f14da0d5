"""The process model of a production install: web nodes share everything through the database,
and the supervisor's restart frees the port at once only when it kills the whole process group."""
from __future__ import annotations

import os
import re
import signal
import time

import requests

from tests.helpers import DEFAULT_PASSWORD
from tests.ops.conftest import csrf_token, port_taken

GIFT = b"// criterion: TESTFW/K1\n::Trust:: Listening builds trust. {TRUE}\n\n" \
       b"// criterion: TESTFW/K2\n::Rush:: Rushing builds trust. {FALSE}\n"
# Long enough for any job of this test on a loaded machine; the loop ends as soon as it is done.
JOB_SECONDS = 60


def test_a_second_web_node_shares_the_session_and_the_jobs(web_env, start_gunicorn):
    first, second = start_gunicorn(web_env), start_gunicorn(web_env)
    browser = requests.Session()
    form = browser.get(first.url + "/login")
    signed_in = browser.post(first.url + "/login", allow_redirects=False, data={
        "email": "tutor@ops.test", "password": DEFAULT_PASSWORD, "csrf_token": csrf_token(form.text)})
    assert signed_in.status_code == 302
    cookie = browser.cookies.get("session")
    assert cookie

    # The other node knows the session from its cookie alone.
    other = requests.Session()
    other.cookies.set("session", cookie)
    page = other.get(second.url + "/questions/import", allow_redirects=False)
    assert page.status_code == 200 and "Import questions" in page.text

    # A job started on the first node is followed on the second.
    started = browser.post(first.url + "/questions/import", allow_redirects=False,
                           data={"csrf_token": csrf_token(browser.get(first.url + "/questions/import").text)},
                           files={"file": ("trust.gift", GIFT)})
    assert started.status_code == 303
    location = started.headers["Location"].replace(first.url, "")
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}", location)
    deadline = time.monotonic() + JOB_SECONDS
    while other.get(second.url + location + "/status").json()["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)
    html = other.get(second.url + location).text
    assert "Imported 2 question(s)" in html

    # Signing out on the second node ends the session on the first.
    other.post(second.url + "/logout", data={"csrf_token": csrf_token(html)})
    assert browser.get(first.url + "/questions/import", allow_redirects=False).status_code == 302


def test_the_supervisor_restart_frees_the_port_only_when_it_kills_the_group(web_env, start_gunicorn):
    # A long worker timeout: an idle orphaned worker notices its master is gone only every half
    # of it (or when a connection wakes it).
    old = start_gunicorn(web_env, workers=3, timeout=120)
    os.kill(old.process.pid, signal.SIGKILL)  # the master dies (OOM killer, kill -9)
    old.process.wait()

    # Its workers live on and hold the port. (How long they hold it depends on when each one
    # next wakes: README gives the measured 15-60 s, during which a new gunicorn retries and gives
    # up. Starting one here would race with them, so the test does not.)
    assert port_taken(old.port)

    # systemd with KillMode=control-group kills the whole group; the new one binds at once.
    old.kill_group()
    assert not port_taken(old.port)
    new = start_gunicorn(web_env, port=old.port)
    assert requests.get(new.url + "/healthz", timeout=5).json()["status"] == "ok"
