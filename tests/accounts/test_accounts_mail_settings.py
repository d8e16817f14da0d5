"""The CARECOURSE_SMTP_* and link lifetime settings: defaults, and refusal of bad values."""
from __future__ import annotations

import pytest

from course import ConfigError, create_app

BASE = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_defaults_without_environment(monkeypatch):
    for name in ("HOST", "PORT", "TLS", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"CARECOURSE_SMTP_{name}", raising=False)
    for name in ("CARECOURSE_MAIL_FROM", "CARECOURSE_INVITE_DAYS", "CARECOURSE_RESET_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    cfg = create_app(dict(BASE)).config
    assert (cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg["SMTP_TLS"]) == ("", 587, "starttls")
    assert (cfg["INVITE_DAYS"], cfg["RESET_MINUTES"]) == (7, 60)


def test_environment_is_read(monkeypatch):
    monkeypatch.setenv("CARECOURSE_SMTP_HOST", "mail.provider.test")
    monkeypatch.setenv("CARECOURSE_SMTP_TLS", "SSL")
    monkeypatch.setenv("CARECOURSE_MAIL_FROM", "Sunrise <courses@sunrise.test>")
    monkeypatch.setenv("CARECOURSE_INVITE_DAYS", "14")
    cfg = create_app(dict(BASE)).config
    assert (cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg["SMTP_TLS"]) == ("mail.provider.test", 465, "ssl")
    assert (cfg["MAIL_FROM"], cfg["INVITE_DAYS"]) == ("Sunrise <courses@sunrise.test>", 14)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CARECOURSE_SMTP_TLS", "maybe", "CARECOURSE_SMTP_TLS must be one of none, starttls, ssl, not 'maybe'"),
    ("CARECOURSE_SMTP_PORT", "0", "CARECOURSE_SMTP_PORT must be a whole number of at least 1, not '0'"),
    ("CARECOURSE_RESET_MINUTES", "an hour", "CARECOURSE_RESET_MINUTES must be a whole number of at least 1"),
])
def test_bad_values_stop_the_app_naming_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app(dict(BASE))
