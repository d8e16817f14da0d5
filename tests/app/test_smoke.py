"""The fixtures work together: sign-in page, a factory-made framework seen by a signed-in tutor."""


def test_login_page_has_form(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en-GB">' in html
    assert '<label for="email">Email address</label>' in html


def test_login_as_tutor_sees_frameworks(client, login_as, create_framework):
    create_framework("ABC1", title="Alpha framework")
    login_as("tutor")
    response = client.get("/frameworks/")
    assert response.status_code == 200
    assert "Alpha framework" in response.get_data(as_text=True)
