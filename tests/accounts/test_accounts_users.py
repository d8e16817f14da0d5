"""The admin's Users page: list, search, filter, pages; role, deactivate, sign out everywhere,
lift the sign-in lock; only the admin's own organisation; only admins."""
from __future__ import annotations

import re

import pytest

from course.accounts import directory
from course.auth import throttle
from course.extensions import db
from course.models import User
from course.models.users import ROLES
from tests.accounts.conftest import signed_in
from tests.helpers import DEFAULT_PASSWORD, login


@pytest.fixture
def org(create_org):
    return create_org("Sunrise Care")


@pytest.fixture
def admin(login_as, org):
    return login_as("admin", org=org, name="Ada Admin", email="ada@care.test")


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+?)(?: \(you\))?</th>', html)


def _get(app, user_id) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def test_lists_only_the_admins_organisation_with_search_and_role_filter(client, admin, org, create_user):
    create_user("learner", org=org, name="Bea Brown", email="bea@care.test")
    create_user("learner", org=org, name="Cal Clark", email="cal@care.test")
    create_user("tutor", org=org, name="Tia Tutor", email="tia@care.test")
    create_user("learner", org="Elsewhere Ltd", name="Zed Other", email="zed@else.test")
    page = client.get("/admin/users").get_data(as_text=True)
    assert _names(page) == ["Ada Admin", "Bea Brown", "Cal Clark", "Tia Tutor"]
    assert "4 users" in page and "zed@else.test" not in page
    assert _names(client.get("/admin/users?q=CLARK").get_data(as_text=True)) == ["Cal Clark"]
    assert _names(client.get("/admin/users?q=tia@").get_data(as_text=True)) == ["Tia Tutor"]
    assert _names(client.get("/admin/users?q=zed").get_data(as_text=True)) == []
    assert _names(client.get("/admin/users?q=%25").get_data(as_text=True)) == []  # % is text, not a wildcard
    assert _names(client.get("/admin/users?role=learner").get_data(as_text=True)) == ["Bea Brown", "Cal Clark"]
    assert _names(client.get("/admin/users?role=learner&q=bea").get_data(as_text=True)) == ["Bea Brown"]


def test_pages(client, admin, org, create_user, monkeypatch):
    monkeypatch.setattr(directory, "PER_PAGE", 2)
    for name in ("Bea", "Cal", "Dee", "Eve"):
        create_user("learner", org=org, name=name)
    first = client.get("/admin/users").get_data(as_text=True)
    assert _names(first) == ["Ada Admin", "Bea"] and "5 users, page 1 of 3" in first
    assert 'href="/admin/users?page=2">Next page' in first
    assert _names(client.get("/admin/users?page=3").get_data(as_text=True)) == ["Eve"]
    assert _names(client.get("/admin/users?page=99").get_data(as_text=True)) == ["Eve"]


def test_the_nav_shows_users_to_admins_only(app, client, admin, org, create_user):
    assert ">Users</a>" in client.get("/admin/users").get_data(as_text=True)
    tutor = create_user("tutor", org=org)
    other = app.test_client()
    login(other, tutor.email)
    assert ">Users</a>" not in other.get("/").get_data(as_text=True)


def test_change_role_and_the_admin_cannot_demote_themself(app, client, admin, org, create_user):
    bea = create_user("learner", org=org, name="Bea Brown")
    response = client.post(f"/admin/users/{bea.id}/role", data={"role": "assessor", "back_q": "bea", "back_role": "learner"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users?q=bea&role=learner"
    assert "Bea Brown is now Assessor." in client.get("/admin/users").get_data(as_text=True)
    assert _get(app, bea.id).role == "assessor"
    bad = client.post(f"/admin/users/{bea.id}/role", data={"role": "owner"}, follow_redirects=True)
    assert "Choose one of the roles for Bea Brown." in bad.get_data(as_text=True)
    assert _get(app, bea.id).role == "assessor"
    me = client.post(f"/admin/users/{admin.id}/role", data={"role": "tutor"}, follow_redirects=True)
    assert "You cannot take away your own admin role: ask another admin." in me.get_data(as_text=True)
    assert _get(app, admin.id).role == "admin"


def test_deactivate_ends_sessions_and_blocks_sign_in_then_reactivate(app, client, admin, org, create_user):
    bea = create_user("learner", org=org, name="Bea Brown")
    bea_browser = app.test_client()
    assert login(bea_browser, bea.email).status_code == 302 and signed_in(bea_browser)
    response = client.post(f"/admin/users/{bea.id}/deactivate", follow_redirects=True)
    assert "Bea Brown is deactivated and signed out everywhere." in response.get_data(as_text=True)
    assert "Deactivated" in response.get_data(as_text=True)
    assert not signed_in(bea_browser)
    assert login(app.test_client(), bea.email).status_code == 401
    response = client.post(f"/admin/users/{bea.id}/reactivate", follow_redirects=True)
    assert "Bea Brown can sign in again." in response.get_data(as_text=True)
    assert login(app.test_client(), bea.email).status_code == 302
    me = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account: ask another admin." in me.get_data(as_text=True)
    assert _get(app, admin.id).active is True


def test_sign_out_everywhere(app, client, admin, org, create_user):
    bea = create_user("learner", org=org, name="Bea Brown")
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        assert login(browser, bea.email).status_code == 302
    response = client.post(f"/admin/users/{bea.id}/sign-out", follow_redirects=True)
    assert "Bea Brown is signed out everywhere (2 sessions ended)." in response.get_data(as_text=True)
    assert [signed_in(b) for b in browsers] == [False, False]
    assert login(app.test_client(), bea.email).status_code == 302  # the account itself still works


def test_lift_the_sign_in_lock(app, client, admin, org, create_user):
    bea = create_user("learner", org=org, name="Bea Brown", email="bea@care.test")
    with app.app_context():
        for _ in range(6):
            throttle.record_failure("bea@care.test", "127.0.0.1")
        db.session.commit()
    assert login(app.test_client(), bea.email).status_code == 429
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "sign-in delayed after failed attempts" in listing
    response = client.post(f"/admin/users/{bea.id}/unlock", follow_redirects=True)
    assert "Lifted the sign-in delay on bea@care.test." in response.get_data(as_text=True)
    assert login(app.test_client(), bea.email).status_code == 302
    again = client.post(f"/admin/users/{bea.id}/unlock", follow_redirects=True)
    assert "bea@care.test had no sign-in delay" in again.get_data(as_text=True)


def test_another_organisations_users_are_not_found_and_unchanged(app, client, admin, create_user):
    zed = create_user("learner", org="Elsewhere Ltd", name="Zed Other")
    zed_browser = app.test_client()
    assert login(zed_browser, zed.email).status_code == 302
    for action, data in (("role", {"role": "admin"}), ("deactivate", {}), ("sign-out", {}), ("unlock", {}),
                         ("invite", {})):
        assert client.post(f"/admin/users/{zed.id}/{action}", data=data).status_code == 404, action
    after = _get(app, zed.id)
    assert (after.role, after.active) == ("learner", True)
    assert signed_in(zed_browser)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_admins(app, client, login_as, org, create_user, role):
    target = create_user("learner", org=org)
    login_as(role, org=org)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/invite").status_code == 403
    for action in ("role", "deactivate", "reactivate", "sign-out", "unlock", "invite"):
        assert client.post(f"/admin/users/{target.id}/{action}", data={"role": "admin"}).status_code == 403
    assert _get(app, target.id).role == "learner"


def test_actions_need_the_csrf_token(csrf_app):
    with csrf_app.app_context():
        org = create_org_in(csrf_app, "Sunrise Care")
        admin = User(email="ada@care.test", name="Ada", role="admin", organisation_id=org)
        admin.set_password(DEFAULT_PASSWORD)
        bea = User(email="bea@care.test", name="Bea", role="learner", organisation_id=org)
        db.session.add_all([admin, bea])
        db.session.commit()
        bea_id = bea.id
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "ada@care.test", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert client.post(f"/admin/users/{bea_id}/deactivate").status_code == 400
    assert _get(csrf_app, bea_id).active is True


def create_org_in(app, name):
    from course.models import Organisation

    org = Organisation(name=name)
    db.session.add(org)
    db.session.flush()
    return org.id
