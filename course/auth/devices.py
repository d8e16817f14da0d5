"""The trusted-device cookie: a browser that has signed in to an account before is not slowed
by other people's failures on that account or from its address (course.auth.throttle).

This is OWASP's "device cookie" defence against online guessing. The cookie holds, for up to
``MAX_ACCOUNTS`` accounts (a shared care-home computer has several regular users), the user's id
and a random nonce; the nonce names the browser's own failure count. It is signed with the
app's SECRET_KEY by itsdangerous (as Flask signs its session), so it cannot be forged or moved
to another account, and it expires ``DEVICE_COOKIE_DAYS`` after the last sign-in. It proves only
that this browser once knew the password; it never signs anyone in.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course.models.users import User

COOKIE_NAME = "carecourse_device"
MAX_ACCOUNTS = 20


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="carecourse-trusted-device")


def _max_age() -> int:
    return int(current_app.config["DEVICE_COOKIE_DAYS"]) * 24 * 60 * 60


def _entries() -> list[list[Any]]:
    """The [user id, nonce] pairs of the request's cookie (none if absent, expired or forged)."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return []
    try:
        data = _serializer().loads(raw, max_age=_max_age())
    except BadSignature:  # includes SignatureExpired
        return []
    if not isinstance(data, list):
        return []
    return [e for e in data if isinstance(e, list) and len(e) == 2
            and isinstance(e[0], int) and isinstance(e[1], str)][:MAX_ACCOUNTS]


def nonce_for(user: User | None) -> str | None:
    """The nonce this browser holds for ``user``, or None if it is not trusted for them."""
    if user is None:
        return None
    return next((nonce for user_id, nonce in _entries() if user_id == user.id), None)


def remember(response: Any, user: User, nonce: str | None = None) -> None:
    """Trust this browser for ``user`` (keeping its nonce if it had one) on ``response``."""
    nonce = nonce or secrets.token_urlsafe(16)
    entries = [[user.id, nonce]] + [e for e in _entries() if e[0] != user.id]
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(entries[:MAX_ACCOUNTS]),
        max_age=_max_age(),
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        samesite="Lax",
    )
