"""Images that come with imported questions: stored with them, served, exported again."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import zipfile
import zlib

from sqlalchemy import select

from course.bank.media import get_media, store_media
from course.bank.models import BankMedia
from course.bank.service import current_questions
from course.extensions import db

from .conftest import INTEROP


def png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1×1 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


RED, GREEN, BLUE = png((200, 0, 0)), png((0, 200, 0)), png((0, 0, 200))
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GREEN_PATH = f"media/{hashlib.sha256(GREEN).hexdigest()[:16]}.png"


def moodle(name: str, apple: bytes, *, extra: str = "") -> bytes:
    """A Moodle XML true/false question showing an attached apple.png and an inline green PNG."""
    inline = base64.b64encode(GREEN).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<question type="truefalse">
 <name><text>{name}</text></name>
 <questiontext format="html"><text><![CDATA[<p>Is this an apple? <img src="@@PLUGINFILE@@/apple.png" alt="An apple"> <img src="data:image/png;base64,{inline}" alt="A pear">{extra}</p>]]></text>
 <file name="apple.png" path="/" encoding="base64">{base64.b64encode(apple).decode()}</file>
 <file name="drawing.svg" path="/" encoding="base64">{base64.b64encode(SVG).decode()}</file></questiontext>
 <answer fraction="100"><text>true</text><feedback><text>Yes</text></feedback></answer>
 <answer fraction="0"><text>false</text><feedback><text>No</text></feedback></answer>
 <tags><tag><text>criterion:TESTFW/K1</text></tag></tags>
</question>
</quiz>
""".encode()


def media_rows(app) -> dict[str, tuple[str, int, bytes]]:
    with app.app_context():
        rows = db.session.scalars(select(BankMedia).order_by(BankMedia.path))
        return {r.path: (r.content_type, r.size, r.data) for r in rows}


def stem(app, org_id: int, qid: str) -> str:
    with app.app_context():
        return next(r.data["stem"] for r in current_questions(org_id) if r.question_id == qid)


def test_import_stores_the_images_the_questions_show(app, cli_runner, org, tmp_path):
    path = tmp_path / "apple.xml"
    path.write_bytes(moodle("Apple", RED, extra=' <img src="@@PLUGINFILE@@/drawing.svg" alt="Drawing">'))
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path)])
    assert res.exit_code == 0, res.output
    assert "Images: 2 stored, 0 already in the bank\n" in res.stdout
    assert ("warning: image media/drawing.svg was not stored: only PNG, JPEG, GIF and WebP images are kept"
            in res.stderr)
    assert media_rows(app) == {
        GREEN_PATH: ("image/png", len(GREEN), GREEN),
        "media/apple.png": ("image/png", len(RED), RED),
    }
    assert stem(app, org.id, "Apple") == (
        f'<p>Is this an apple? <img src="media/apple.png" alt="An apple"> '
        f'<img src="{GREEN_PATH}" alt="A pear"> <img src="media/drawing.svg" alt="Drawing"></p>'
    )


def test_reimport_reuses_and_a_clashing_name_is_renamed(app, cli_runner, org, tmp_path):
    first, again, other = tmp_path / "a.xml", tmp_path / "b.xml", tmp_path / "c.xml"
    first.write_bytes(moodle("Apple", RED))
    again.write_bytes(moodle("Apple", RED))
    other.write_bytes(moodle("Blue apple", BLUE))
    assert cli_runner.invoke(args=["import-questions", "--wait", str(first)]).exit_code == 0
    res = cli_runner.invoke(args=["import-questions", "--wait", str(again)])
    assert "Images: 0 stored, 2 already in the bank" in res.stdout
    res = cli_runner.invoke(args=["import-questions", "--wait", str(other)])
    renamed = f"media/apple-{hashlib.sha256(BLUE).hexdigest()[:12]}.png"
    assert res.exit_code == 0, res.output
    assert f"warning: image media/apple.png is stored as {renamed}: the bank already has a different" in res.stderr
    rows = media_rows(app)
    assert sorted(rows) == sorted([GREEN_PATH, "media/apple.png", renamed])
    assert rows["media/apple.png"][2] == RED and rows[renamed][2] == BLUE
    # the old question still shows the red apple; the new one points at its own picture
    assert 'src="media/apple.png"' in stem(app, org.id, "Apple")
    assert f'src="{renamed}"' in stem(app, org.id, "Blue-apple")


def test_dry_run_and_failed_imports_store_no_images(app, cli_runner, org, tmp_path):
    path = tmp_path / "apple.xml"
    path.write_bytes(moodle("Apple", RED))
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--dry-run", "--organisation", "Northfield Care"])
    assert res.exit_code == 0 and "Images: 2 to store, 0 already in the bank" in res.stdout
    broken = tmp_path / "broken.xml"
    broken.write_bytes(moodle("Apple", RED).replace(b"</quiz>", b"<question type='truefalse'></quiz>"))
    assert cli_runner.invoke(args=["import-questions", "--wait", str(broken)]).exit_code == 1
    assert media_rows(app) == {}


def test_images_of_skipped_questions_are_not_kept(app, cli_runner, org):
    """The gapfill sample's images belong to its gapfill questions, which the bank skips."""
    res = cli_runner.invoke(args=["import-questions", "--wait", str(INTEROP / "moodle-gapfill-examples-images.xml"),
                                  "--criterion", "TESTFW/K1"])
    assert res.exit_code == 0, res.output
    assert media_rows(app) == {}


def test_store_media_limits_size(app, org):
    app.config["BANK_MAX_MEDIA_BYTES"] = len(RED) - 1
    with app.app_context():
        questions, report = store_media({"media/apple.png": RED}, [{"stem": '<img src="media/apple.png">'}],
                                        organisation=org.id)
        assert report.warnings() == [
            f"image media/apple.png was not stored: it is {len(RED):,} bytes; the limit is {len(RED) - 1:,}"
        ]
        assert questions == [{"stem": '<img src="media/apple.png">'}]
    assert media_rows(app) == {}


def test_export_carries_the_images_back(app, cli_runner, org, tmp_path):
    path = tmp_path / "apple.xml"
    path.write_bytes(moodle("Apple", RED))
    assert cli_runner.invoke(args=["import-questions", "--wait", str(path)]).exit_code == 0
    out = tmp_path / "out.xml"
    res = cli_runner.invoke(args=["export-questions", "--format", "moodle", "--out", str(out)])
    assert res.exit_code == 0, res.output
    xml = out.read_text()
    assert '<img src="@@PLUGINFILE@@/apple.png" alt="An apple">' in xml
    assert f'<file name="apple.png" path="/" encoding="base64">{base64.b64encode(RED).decode()}</file>' in xml
    qti = tmp_path / "out.zip"
    assert cli_runner.invoke(args=["export-questions", "--format", "qti21", "--out", str(qti)]).exit_code == 0
    with zipfile.ZipFile(io.BytesIO(qti.read_bytes())) as zf:
        assert RED in [zf.read(n) for n in zf.namelist()]
    gift = tmp_path / "out.gift"
    res = cli_runner.invoke(args=["export-questions", "--format", "gift", "--out", str(gift)])
    assert res.exit_code == 0
    assert (f"warning: 2 image(s) cannot travel in gift: the questions keep their media/... references "
            f"({GREEN_PATH}, media/apple.png)") in res.stderr
    # and the Moodle file imports again into another organisation with its pictures
    with app.app_context():
        db.session.execute(db.delete(BankMedia))
        db.session.commit()
    assert cli_runner.invoke(args=["import-questions", "--wait", str(out)]).exit_code == 0
    assert media_rows(app)["media/apple.png"][2] == RED


def test_tutors_see_the_images_of_their_own_bank_only(app, client, cli_runner, org, tmp_path, login_as,
                                                      create_user, login):
    path = tmp_path / "apple.xml"
    path.write_bytes(moodle("Apple", RED))
    assert cli_runner.invoke(args=["import-questions", "--wait", str(path)]).exit_code == 0
    assert client.get("/questions/media/apple.png").status_code == 302  # to sign-in
    login_as("tutor", org="Northfield Care")
    response = client.get("/questions/media/apple.png")
    assert response.status_code == 200 and response.data == RED
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get("/questions/media/pear.png").status_code == 404
    assert client.get("/questions/media/..%2Fsecret").status_code == 404
    preview = client.get("/questions/Apple/preview").get_data(as_text=True)
    assert '<img src="/questions/media/apple.png" alt="An apple">' in preview
    assert f'<img src="/questions/{GREEN_PATH}" alt="A pear">' in preview
    other, learner = app.test_client(), app.test_client()
    login(other, create_user("tutor", "Elsewhere Ltd").email)
    assert other.get("/questions/media/apple.png").status_code == 404
    login(learner, create_user("learner", "Northfield Care").email)
    assert learner.get("/questions/media/apple.png").status_code == 403


def test_web_import_stores_images_too(app, client, org, login_as):
    login_as("tutor", org="Northfield Care")
    response = client.post("/questions/import", data={
        "file": (io.BytesIO(moodle("Apple", RED)), "apple.xml"), "format": "auto", "criteria": ""},
        content_type="multipart/form-data")
    assert response.status_code == 303  # to the import job's page, which shows what it did
    response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Imported 1 question(s)" in html and "<p>Images: 2.</p>" in html
    assert "image media/drawing.svg" not in html  # the SVG is attached but no question shows it
    assert sorted(media_rows(app)) == sorted([GREEN_PATH, "media/apple.png"])


def test_a_qti_package_image_is_stored(app, cli_runner, org):
    package = INTEROP / "qti21-qtiworks-webdevtest-package.zip"
    res = cli_runner.invoke(args=["import-questions", "--wait", str(package)])
    assert res.exit_code == 0, res.output
    assert "Images: 1 stored, 0 already in the bank" in res.stdout
    with zipfile.ZipFile(package) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("directory.jpg")]
        original = zf.read(name)
    # named .jpg, but a GIF inside: the type comes from the content, so browsers are told the truth
    assert media_rows(app) == {"media/directory.jpg": ("image/gif", len(original), original)}
    with app.app_context():
        showing = [r.question_id for r in current_questions(org.id, include_unmapped=True)
                   if "media/directory.jpg" in json.dumps(r.data)]
    assert len(showing) == 1


def test_an_image_name_too_long_to_serve_is_reported(app, org):
    long_path = "media/" + "a" * 160 + ".png"
    with app.app_context():
        _, report = store_media({long_path: RED}, [{"stem": f'<img src="{long_path}">'}], organisation=org.id)
    assert report.warnings() == [
        f"image {long_path} was not stored: its name is not 1 to 151 letters, digits, '_', '.' or '-'"]
    assert media_rows(app) == {}


def test_an_inline_picture_from_any_format_becomes_a_stored_file(app, cli_runner, org, tmp_path):
    inline = base64.b64encode(BLUE).decode()
    path = tmp_path / "apple.gift"
    path.write_text(f'::Apple:: [html]<p>Is this an apple? <img src="data:image/png;base64,{inline}" '
                    f'alt="A blue apple"></p> {{T}}\n', encoding="utf-8")
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--criterion", "TESTFW/K1"])
    assert res.exit_code == 0, res.output
    name = f"media/{hashlib.sha256(BLUE).hexdigest()[:16]}.png"
    assert media_rows(app) == {name: ("image/png", len(BLUE), BLUE)}
    assert stem(app, org.id, "Apple") == f'<p>Is this an apple? <img src="{name}" alt="A blue apple"></p>'


def test_a_renamed_long_name_stays_servable(app, org):
    long_path = "media/" + "b" * 140 + ".png"  # 144 characters: a name as long as it may be, nearly
    with app.app_context():
        store_media({long_path: RED}, [{"stem": f'<img src="{long_path}">'}], organisation=org.id)
        questions, report = store_media({long_path: BLUE}, [{"stem": f'<img src="{long_path}">'}],
                                        organisation=org.id)
        db.session.commit()
        (renamed,) = report.renamed.values()
        assert renamed == "media/" + "b" * 120 + f"-{hashlib.sha256(BLUE).hexdigest()[:12]}.png"
        assert questions == [{"stem": f'<img src="{renamed}">'}]
        assert get_media(org.id, renamed).data == BLUE
