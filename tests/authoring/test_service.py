"""Authoring services: courses, modules and their default minutes, pages, quizzes, coverage, uploads."""
from __future__ import annotations

import pytest

from course.authoring import common, coverage, quizzes, service, uploads
from course.authoring.models import Course, Module, Page, Quiz
from course.extensions import db
from course.models import Framework, Organisation
from tests.authoring.conftest import choice, scenario

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture
def ctx(units_app):
    with units_app.app_context():
        org = Organisation(name="Care Skills Ltd")
        db.session.add(org)
        db.session.commit()
        yield org


def make_course(org, *codes, title="Relationships"):
    return service.create_course(organisation=org, user=None, title=title, frameworks=list(codes))


def test_glh_split_of_qcf_relnet_is_exact(ctx):
    fw = Framework.by_code("QCF-RELNET")
    assert fw.glh == 27
    assert service.glh_split(fw) == {"1": 360, "2": 270, "3": 360, "4": 270, "5": 360}


def test_glh_split_gives_spare_minutes_to_the_largest_remainders(ctx):
    fw = Framework.by_code("QCF-RELNET")
    fw.glh = 2
    # 120 minutes over criteria counts 4, 3, 4, 3, 4 (18): 26.67, 20, 26.67, 20, 26.67 -> floors
    # 26, 20, 26, 20, 26 = 118; the two spare minutes go to the first two outcomes with remainder 12/18.
    assert service.glh_split(fw) == {"1": 27, "2": 20, "3": 27, "4": 20, "5": 26}
    fw.glh = 0
    assert service.glh_split(fw) == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    fw.glh = None
    assert service.glh_split(fw) == {}
    db.session.rollback()


def test_glh_split_rounding_gives_leftover_minutes_to_largest_remainders(ctx):
    fw = Framework.by_code("QCF-RELNET")
    fw.glh = 1
    # counts 4, 3, 4, 3, 4 = 18: 60*4/18 = 13.33, 60*3/18 = 10 -> floors 13, 10, 13, 10, 13 = 59;
    # the remainders 6/18 tie on outcomes 1, 3, 5: the first of them gets the spare minute.
    assert service.glh_split(fw) == {"1": 14, "2": 10, "3": 13, "4": 10, "5": 13}
    db.session.rollback()


def test_modules_get_default_target_minutes(ctx):
    course = make_course(ctx, "QCF-RELNET", "HSCCLD327")
    m1 = service.add_module(course, title="Networks", outcomes=["QCF-RELNET/1"])
    m2 = service.add_module(course, title="Two outcomes", outcomes=["QCF-RELNET/2", "QCF-RELNET/3"])
    m3 = service.add_module(course, title="NOS section", outcomes=["HSCCLD327/K.1", "HSCCLD327/P.1"])
    m4 = service.add_module(course, title="No outcome")
    m5 = service.add_module(course, title="Set by hand", outcomes=["QCF-RELNET/5"], target_minutes=45)
    assert [m.target_minutes for m in (m1, m2, m3, m4, m5)] == [360, 630, 60, 60, 45]
    assert [m.slug for m in course.modules] == ["networks", "two-outcomes", "nos-section", "no-outcome", "set-by-hand"]


def test_modules_per_outcome_sum_to_the_units_glh(ctx):
    course = make_course(ctx, "QCF-RELNET")
    modules = service.add_modules_per_outcome(course)
    assert [m.target_minutes for m in modules] == [360, 270, 360, 270, 360]
    assert [m.outcomes for m in modules] == [[f"QCF-RELNET/{n}"] for n in range(1, 6)]
    (row,) = service.glh_summary(course)
    assert (row["glh_minutes"], row["planned_minutes"]) == (1620, 1620)


def test_module_refs_must_belong_to_the_course_frameworks(ctx):
    course = make_course(ctx, "HSCCLD327")
    with pytest.raises(common.AuthoringError) as exc:
        service.add_module(course, title="X", outcomes=["QCF-RELNET/1"])
    assert exc.value.field == "outcomes"
    assert "QCF-RELNET/1 is not an outcome" in exc.value.message
    with pytest.raises(common.AuthoringError) as exc:
        service.add_module(course, title="X", workplace=["HSCCLD327/P99"])
    assert exc.value.field == "workplace"
    module = service.add_module(course, title="X", workplace=["HSCCLD327/P3", "HSCCLD327/P1"])
    assert module.workplace == ["HSCCLD327/P1", "HSCCLD327/P3"]  # framework order


def test_move_and_delete_modules_renumber(ctx):
    course = make_course(ctx, "HSCCLD327")
    a, b, c = (service.add_module(course, title=t) for t in "ABC")
    service.move_module(c, 0)
    assert [m.title for m in course.modules] == ["C", "A", "B"]
    assert [m.position for m in course.modules] == [0, 1, 2]
    service.move_module(c, 99)
    assert [m.title for m in course.modules] == ["A", "B", "C"]
    service.delete_module(a)
    db.session.commit()
    db.session.expire_all()
    assert [(m.title, m.position) for m in course.modules] == [("B", 0), ("C", 1)]


def test_slugs_are_unique_per_scope(ctx):
    course = make_course(ctx, "HSCCLD327", title="Same")
    with pytest.raises(common.ConflictError):
        make_course(ctx, "HSCCLD327", title="Same")
    other = Organisation(name="Other")
    db.session.add(other)
    db.session.flush()
    assert make_course(other, "HSCCLD327", title="Same").slug == "same"
    m = service.add_module(course, title="Intro")
    assert service.add_module(course, title="Intro").slug == "intro-2"
    with pytest.raises(common.ConflictError):
        service.add_module(course, title="Another", slug="intro")
    with pytest.raises(common.AuthoringError, match="no spaces"):
        service.update_module(m, slug="has space")


def test_course_needs_known_frameworks(ctx):
    with pytest.raises(common.AuthoringError, match="Pick at least one framework"):
        make_course(ctx)
    with pytest.raises(common.AuthoringError, match="Unknown framework 'NOPE'"):
        make_course(ctx, "NOPE")
    course = make_course(ctx, "NOS-EFFREL", "HSCCLD327", "NOS-EFFREL")
    assert [fw.code for fw in course.frameworks] == ["NOS-EFFREL", "HSCCLD327"]


def test_pages_are_rendered_and_sanitised(ctx):
    course = make_course(ctx, "HSCCLD327")
    module = service.add_module(course, title="M")
    page = service.add_page(
        module,
        title="Why it matters",
        body='# Hello\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    assert page.slug == "why-it-matters"
    assert "<h3>Hello</h3>" in page.html  # under the page title's <h2>
    assert page.html == (
        "<h3>Hello</h3>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        '<p>[click](javascript:alert(1)) &lt;img src=x onerror="alert(1)"&gt;</p>\n'
    )
    assert "<script" not in page.html and "href" not in page.html and "<img" not in page.html
    service.update_page(page, body="**bold**")
    assert page.html == "<p><strong>bold</strong></p>\n"
    second = service.add_page(module, title="Second")
    service.move_page(second, 0)
    assert [p.title for p in module.pages] == ["Second", "Why it matters"]


def test_quiz_settings_are_checked(ctx):
    course = make_course(ctx, "HSCCLD327")
    module = service.add_module(course, title="M")
    quiz = quizzes.set_quiz(module)
    assert (quiz.title, quiz.pass_mark, quiz.attempts, quiz.grading, quiz.feedback, quiz.items) == \
        ("M: quiz", 0.8, 0, "highest", "immediate", [])
    quizzes.set_quiz(module, pass_mark=0.7, criterion_threshold=0.5, attempts=3, grading="average",
                     shuffle=True, feedback="after_submission", time_limit_minutes=20)
    assert (quiz.pass_mark, quiz.criterion_threshold, quiz.attempts, quiz.grading, quiz.shuffle,
            quiz.feedback, quiz.time_limit_minutes) == (0.7, 0.5, 3, "average", True, "after_submission", 20)
    for kwargs, field in [({"pass_mark": 1.5}, "pass_mark"), ({"grading": "best"}, "grading"),
                          ({"attempts": -1}, "attempts"), ({"feedback": "never"}, "feedback"),
                          ({"time_limit_minutes": 0}, "time_limit_minutes"),
                          ({"criterion_threshold": -0.1}, "criterion_threshold")]:
        with pytest.raises(common.AuthoringError) as exc:
            quizzes.set_quiz(module, **kwargs)
        assert exc.value.field == field
    quizzes.set_quiz(module, criterion_threshold=None, time_limit_minutes=None)
    assert (quiz.criterion_threshold, quiz.time_limit_minutes) == (None, None)


def test_quiz_items_are_validated_against_the_bank(ctx, save_questions):
    save_questions(ctx.id, [choice("q-k13", ["HSCCLD327/K13"]), choice("q-k13b", ["HSCCLD327/K13"], tags=["trust"]),
                            choice("q-k14", ["HSCCLD327/K14"])])
    course = make_course(ctx, "HSCCLD327")
    module = service.add_module(course, title="M")
    quiz = quizzes.set_quiz(module)
    quizzes.add_fixed_question(quiz, "q-k14")
    quizzes.add_draw(quiz, 2, criterion="HSCCLD327/K13")
    assert quiz.items == [{"question": "q-k14", "version": 1}, {"draw": {"count": 2, "criterion": "HSCCLD327/K13"}}]
    with pytest.raises(common.AuthoringError, match="has only 0 candidate"):
        quizzes.add_draw(quiz, 1, tag="trust")  # the K13 draw may already take q-k13b
    _, problems = quizzes.validate_quiz_items(course, [
        {"question": "nope", "version": 1},
        {"question": "q-k13", "version": 2},
        {"draw": {"count": 3, "criterion": "HSCCLD327/K13"}},
        {"draw": {"count": 1, "criterion": "QCF-RELNET/1.1"}},
        {"question": "q-k14", "version": 1},
        {"question": "q-k14", "version": 1},
    ])
    assert problems == [
        ("items[0].question", "question 'nope' version 1 is not in your question bank"),
        ("items[1].question", "question 'q-k13' version 2 is not in your question bank"),
        ("items[2].draw.count", "draw of 3 questions evidencing HSCCLD327/K13 has only 1 candidate(s) in your question bank"),
        ("items[3].draw.criterion", "QCF-RELNET/1.1 is not a criterion of this course's frameworks"),
        ("items[5].question", "question 'q-k14' is already in this quiz"),
    ]
    _, problems = quizzes.validate_quiz_items(course, [{"draw": {"count": 0, "tag": "x"}}, {"draw": {"count": 1}}, "x"])
    assert [p for p, _ in problems] == ["items[0].draw.count", "items[1].draw", "items[2]"]


def test_quizzes_never_take_unmapped_questions(ctx, save_questions):
    """Questions imported without a criterion wait in the bank: no fixed item, no draw by tag."""
    from course.bank.service import save_questions as save

    save_questions(ctx.id, [choice("mapped", ["HSCCLD327/K13"], tags=["trust"])])
    save([choice("imported", [], tags=["trust"])], organisation=ctx.id, user=None, unmapped=True)
    db.session.commit()
    course = make_course(ctx, "HSCCLD327")
    quiz = quizzes.set_quiz(service.add_module(course, title="M"))
    assert sorted(quizzes.bank_current_questions(ctx.id)) == ["mapped"]
    _, problems = quizzes.validate_quiz_items(course, [
        {"question": "imported", "version": 1},
        {"draw": {"count": 2, "tag": "trust"}},
    ])
    assert problems == [
        ("items[0].question",
         "question 'imported' is not mapped to a criterion yet: edit it in the question bank to add one"),
        ("items[1].draw.count", "draw of 2 questions tagged 'trust' has only 1 candidate(s) in your question bank"),
    ]
    quizzes.add_draw(quiz, 1, tag="trust")
    assert quiz.items == [{"draw": {"count": 1, "tag": "trust"}}]


def test_another_organisations_questions_are_not_in_the_bank(ctx, save_questions):
    other = Organisation(name="Elsewhere")
    db.session.add(other)
    db.session.commit()
    save_questions(other.id, [choice("theirs", ["HSCCLD327/K13"])])
    course = make_course(ctx, "HSCCLD327")
    quiz = quizzes.set_quiz(service.add_module(course, title="M"))
    with pytest.raises(common.AuthoringError, match="not in your question bank"):
        quizzes.add_fixed_question(quiz, "theirs", 1)
    with pytest.raises(common.AuthoringError, match="only 0 candidate"):
        quizzes.add_draw(quiz, 1, criterion="HSCCLD327/K13")


def coverage_course(org, save_questions):
    save_questions(org.id, [
        choice("q-k13", ["HSCCLD327/K13"]),
        choice("q-k13-trust", ["HSCCLD327/K13"], tags=["trust"]),
        choice("q-k14-trust", ["HSCCLD327/K14"], tags=["trust"]),
        choice("q-unused", ["HSCCLD327/K1"]),
        scenario("scn-okafor", ["HSCCLD327/K13", "HSCCLD327/K15"],
                 [("c1", ["HSCCLD327/K13"]), ("c2", ["HSCCLD327/K15"])]),
        scenario("scn-children", ["HSCCLD327/K2"], [("c1", ["HSCCLD327/K3"]), ("c2", ["HSCCLD327/K2"])]),
    ])
    course = make_course(org, "HSCCLD327")
    m1 = service.add_module(course, title="Risk", outcomes=["HSCCLD327/K.1"], workplace=["HSCCLD327/P1", "HSCCLD327/P2"])
    quiz = quizzes.set_quiz(m1, mode="summative")
    quizzes.add_fixed_question(quiz, "q-k13")
    quizzes.add_draw(quiz, 1, criterion="HSCCLD327/K15")
    quizzes.add_fixed_question(quiz, "scn-children")
    m2 = service.add_module(course, title="Trust", workplace=["HSCCLD327/P2"])
    quizzes.add_draw(quizzes.set_quiz(m2), 1, tag="trust")  # formative: practice, not evidence
    service.add_module(course, title="Reading only")
    return course


def test_coverage_counts_questions_modules_and_workplace_plans(ctx, save_questions):
    course = coverage_course(ctx, save_questions)
    cov = coverage.course_coverage(course)
    assert cov.modules == [("risk", "Risk"), ("trust", "Trust"), ("reading-only", "Reading only")]
    k13 = cov.row("HSCCLD327/K13")
    # Only the summative quiz (Risk) is evidence; the formative one (Trust) is practice, listed apart.
    assert k13.questions == [("q-k13", 1), ("scn-okafor", 1)]
    assert k13.modules == ["risk"]
    assert (k13.practice_questions, k13.practice_modules) == ([("q-k13-trust", 1)], ["trust"])
    assert not k13.knowledge_gap and not k13.practised_only
    # Its summative pool items: q-k13, and the step of scn-okafor whose question evidences K13.
    assert k13.items == [("q-k13", None), ("scn-okafor", "s1")]
    assert k13.pool_warning == "only 2 items in its summative pools (fewer than 3)"
    assert cov.row("HSCCLD327/K15").questions == [("scn-okafor", 1)]
    assert cov.row("HSCCLD327/K3").questions == [("scn-children", 1)]  # a scenario step's own criterion
    k14 = cov.row("HSCCLD327/K14")
    assert (k14.questions, k14.modules, k14.knowledge_gap) == ([], [], True)
    assert (k14.practice_modules, k14.practised_only, k14.pool_warning) == (["trust"], True, None)
    assert cov.row("HSCCLD327/K1").questions == []  # in the bank, in no quiz
    p2 = cov.row("HSCCLD327/P2")
    assert (p2.workplace_modules, p2.unplanned) == (["risk", "trust"], False)
    assert cov.row("HSCCLD327/P3").unplanned is True
    assert k14.taught_by == ["risk"] and p2.taught_by == []
    (fw,) = cov.frameworks
    assert [o.ref for o in fw.outcomes] == ["HSCCLD327/P.1", "HSCCLD327/K.1"]
    assert fw.outcomes[0].counts == {"criteria": 11, "knowledge": 0, "with_questions": 0, "knowledge_gaps": 0,
                                     "practised_only": 0, "thin_pools": 0, "passable": 0, "performance": 11, "planned": 2,
                                     "unplanned": 9}
    # K2, K3, K13, K15 have summative questions: 24 - 4 = 20 gaps, K14 among them practised; each of
    # the four has fewer than 3 items in its pools.
    assert fw.outcomes[1].counts == {"criteria": 24, "knowledge": 24, "with_questions": 4, "knowledge_gaps": 20,
                                     "practised_only": 1, "thin_pools": 4, "passable": 0, "performance": 0, "planned": 0,
                                     "unplanned": 0}
    assert cov.totals["knowledge_gaps"] == 20 and cov.totals["unplanned"] == 9
    data = cov.to_dict()
    row = data["frameworks"][0]["outcomes"][1]["criteria"][12]
    assert (row["ref"], row["pool_items"], row["practice_modules"]) == ("HSCCLD327/K13", 2, ["trust"])
    assert row["pool_warning"] == "only 2 items in its summative pools (fewer than 3)"


def test_coverage_of_a_qcf_unit_flags_workplace_criteria(ctx):
    course = make_course(ctx, "QCF-RELNET")
    service.add_module(course, title="Plan", workplace=["QCF-RELNET/2.1"])
    cov = coverage.course_coverage(course)
    counts = [o.counts for o in cov.frameworks[0].outcomes]
    assert [c["knowledge_gaps"] for c in counts] == [4, 0, 0, 0, 0]
    assert [c["unplanned"] for c in counts] == [0, 2, 4, 3, 4]
    assert [c["planned"] for c in counts] == [0, 1, 0, 0, 0]


def test_uploads_accept_images_by_content_and_size(ctx, units_app):
    course = make_course(ctx, "HSCCLD327")
    upload = uploads.add_upload(course, filename="My Photo.PNG", data=PNG)
    assert (upload.filename, upload.content_type, upload.size) == ("my-photo.png", "image/png", len(PNG))
    jpeg = uploads.add_upload(course, filename="scan.png", data=b"\xff\xd8\xff\xe0" + b"\x00" * 10)
    assert (jpeg.filename, jpeg.content_type) == ("scan.jpg", "image/jpeg")
    with pytest.raises(common.AuthoringError, match="Only PNG, JPEG, GIF or WebP"):
        uploads.add_upload(course, filename="x.png", data=b"<svg onload=alert(1)>")
    with pytest.raises(common.ConflictError):
        uploads.add_upload(course, filename="my photo.png", data=PNG)
    units_app.config["AUTHORING_MAX_UPLOAD_BYTES"] = 20
    with pytest.raises(common.AuthoringError, match="the limit is 20 bytes"):
        uploads.add_upload(course, filename="big.png", data=PNG)
    assert uploads.get_upload(course, "my-photo.png") is upload


def test_delete_course_removes_everything(ctx):
    course = make_course(ctx, "HSCCLD327")
    module = service.add_module(course, title="M")
    service.add_page(module, title="P")
    quizzes.set_quiz(module)
    uploads.add_upload(course, filename="a.png", data=PNG)
    db.session.commit()
    service.delete_course(course)
    db.session.commit()
    assert [db.session.query(m).count() for m in (Course, Module, Page, Quiz)] == [0, 0, 0, 0]
