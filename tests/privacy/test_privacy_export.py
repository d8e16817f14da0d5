"""Subject access: the ZIP a learner (or their admin) downloads, its contents, scoping and audit."""
from __future__ import annotations

import io
import json
import zipfile

from flask import Flask
from sqlalchemy import select

from course.evidence.models import AuditEntry
from course.extensions import db
from tests.helpers import login
from tests.privacy.privacy_world import PDF, World, world  # noqa: F401  (fixture)


def _open(response) -> tuple[dict, zipfile.ZipFile]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return json.loads(archive.read("data.json")), archive


def test_learner_downloads_own_data(app: Flask, client, world: World) -> None:
    ann = world.users["ann"]
    login(client, ann.email)
    page = client.get("/privacy/my-data")
    assert page.status_code == 200 and b"Download my data (ZIP)" in page.data
    assert b'href="/privacy/my-data"' in client.get("/learn/").data
    data, archive = _open(client.get("/privacy/my-data.zip"))

    assert sorted(archive.namelist()) == ["README.txt", "data.json", f"evidence/{world.evidence_id}/{world.file_id}-my_notes.pdf"]
    assert archive.read(f"evidence/{world.evidence_id}/{world.file_id}-my_notes.pdf") == PDF
    assert "data.json" in archive.read("README.txt").decode()
    assert data["profile"]["name"] == "Ann Archer" and data["profile"]["email"] == "ann@a.test"
    assert data["profile"]["organisation"] == "Provider A"
    assert [(e["course"]["title"], e["retention_years"]) for e in data["enrolments"]] == [
        ("Care at work", 3), ("Old course", 1)]
    assert data["enrolments"][0]["cohort"] == "Spring"
    care = data["attempts"][0]
    assert (care["module"]["title"], care["score"], care["max_score"], care["passed"]) == ("Consent", 1.5, 2.0, True)
    assert [(a["response"], a["score"], a["max_score"], a["feedback"]) for a in care["answers"]] == [
        ("b", 1.0, 1.0, ["Feedback 0"]), ("ANN-ANSWER", 0.5, 1.0, ["Feedback 1"])]
    assert len(data["attempts"]) == 2 and data["attempts"][1]["answers"][0]["response"] == "c"
    assert sorted(t["seconds"] for t in data["time"]["modules"]) == [120, 600]
    assert sorted(t["seconds"] for t in data["time"]["days"]) == [120, 200, 400]
    assert data["time"]["progress"][0]["pages_seen"] == 3
    assert data["time"]["offline_learning"][0]["recorded_by"] == "A Tutor"
    [evidence] = data["evidence"]
    assert evidence["title"] == "Lunch choices" and evidence["files"][0]["path"].endswith("-my_notes.pdf")
    [decision] = data["decisions"]
    assert (decision["outcome"], decision["comment"], decision["assessor"]) == ("met", "Clear and safe.", "A Assessor")
    assert [(r["outcome"], r["iqa"]) for r in decision["iqa_reviews"]] == [("agreed", "A Iqa")]
    assert [e["action"] for e in data["audit"]] == ["evidence.recorded"]

    text = archive.read("data.json").decode()
    for other in ("BEA-SECRET", "BEA-EVIDENCE", "Bea Brook", "bea@a.test", "Cy Cole"):
        assert other not in text

    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "data.downloaded"))
        assert (entry.actor_id, entry.learner_id, entry.subject_id, entry.new["by"]) == (ann.id, ann.id, str(ann.id), "self")


def test_admin_downloads_a_learner_of_own_organisation_only(app: Flask, client, world: World) -> None:
    ann, cy = world.users["ann"], world.users["cy"]
    login(client, world.users["admin"].email)
    listing = client.get("/privacy/learners")
    assert listing.status_code == 200
    assert b"Ann Archer" in listing.data and b"Bea Brook" in listing.data and b"Cy Cole" not in listing.data
    data, _ = _open(client.get(f"/privacy/learners/{ann.id}/data.zip"))
    assert data["profile"]["email"] == "ann@a.test"
    assert client.get(f"/privacy/learners/{cy.id}/data.zip").status_code == 404  # another organisation
    assert client.get(f"/privacy/learners/{world.users['tutor'].id}/data.zip").status_code == 404  # not a learner
    assert client.get("/privacy/learners/99999/data.zip").status_code == 404
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "data.downloaded")))
        assert [(e.actor_id, e.learner_id, e.new["by"]) for e in entries] == [(world.users["admin"].id, ann.id, "admin")]


def test_roles(client, world: World) -> None:
    login(client, world.users["ann"].email)
    assert client.get(f"/privacy/learners/{world.users['bea'].id}/data.zip").status_code == 403
    assert client.get("/privacy/learners").status_code == 403
    client.post("/logout")
    login(client, world.users["tutor"].email)
    assert client.get("/privacy/my-data.zip").status_code == 403
    assert client.get(f"/privacy/learners/{world.users['ann'].id}/erase").status_code == 403
    client.post("/logout")
    assert client.get("/privacy/my-data.zip").status_code == 302  # signed out: to the sign-in page
