"""Failed sign-ins make the next attempts wait; counted in the database so every worker agrees.

The rule, after OWASP's Authentication and Credential Stuffing cheat sheets (growing delays
rather than hard lock-outs, which an attacker can aim at the real user; no address-wide block
that shuts out everyone behind a care home's one public address):

A failed sign-in counts against *keys*:

- from a browser holding a trusted-device cookie for that account (course.auth.devices; given
  by a successful sign-in to it): ``device``, that browser's own count and nothing else;
- from any other browser: ``pair`` (this account from this address), ``account`` (this account
  from every such browser) and, on the first failure of an account from an address,
  ``address`` (the number of distinct accounts failing from that address).

A key forgets its failures ``LOGIN_WINDOW_SECONDS`` (15 minutes) after its last one. A key that
reaches its threshold makes the attempts it covers wait ``LOGIN_FIRST_DELAY_SECONDS`` (5 s),
doubling with each further failure up to its cap:

=============  ========================  =========
key            threshold (config)        cap
=============  ========================  =========
pair, device   5 failures                5 minutes
account        20 failures               1 minute
address        30 distinct accounts      1 minute
=============  ========================  =========

While a key waits, an attempt it covers is refused (429 with Retry-After) without its password
being checked, and is not counted. So hammering one account from a care home slows only that
account from that address (and, for at most a minute a try, from browsers it never signed in
on); a colleague behind the same address signing in to her own account is never slowed by it.
One address trying many accounts gets one new account a minute; many addresses trying one
account get one guess a minute; a browser the real user has signed in on is slowed by nothing
but its own failures. Admins see the waits with ``carecourse sign-in-delays`` and lift them
with ``unlock-user`` and ``unlock-address``.

The same table counts forgotten-password requests per address (kind ``reset``,
``count_reset_request``): past RESET_ADDRESS_REQUESTS in the window the page answers as ever but
mails nothing.

Counting uses single UPDATE statements, so concurrent workers never lose a failure. These
functions flush, never commit: the view commits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from course.dbtypes import UTCDateTime, utcnow
from course.extensions import db
from course.models.users import LoginThrottle, User

UNKNOWN_ADDRESS = "unknown"


@dataclass(frozen=True)
class Key:
    """One counter a sign-in attempt is checked and counted against."""

    kind: str
    key: str
    email: str | None
    address: str | None


def keys_for(email: str, address: str | None, device: str | None = None) -> list[Key]:
    """The keys an attempt on ``email`` from ``address`` counts against (``device``: the
    trusted-device nonce the browser holds for this account, if any)."""
    email = User.normalise_email(email)
    address = address or UNKNOWN_ADDRESS
    if device:
        return [Key("device", f"device:{device}", email, None)]
    return [
        Key("pair", f"pair:{address} {email}", email, address),
        Key("account", f"account:{email}", email, None),
        Key("address", f"address:{address}", None, address),
    ]


def _rule(kind: str) -> tuple[int, int]:
    """(threshold, cap in seconds) of a kind of key, from the app's config."""
    cfg = current_app.config
    if kind in ("pair", "device"):
        return cfg["LOGIN_PAIR_FAILURES"], cfg["LOGIN_PAIR_MAX_DELAY_SECONDS"]
    if kind == "account":
        return cfg["LOGIN_ACCOUNT_FAILURES"], cfg["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]
    return cfg["LOGIN_ADDRESS_ACCOUNTS"], cfg["LOGIN_ADDRESS_MAX_DELAY_SECONDS"]


def delay_seconds(kind: str, failures: int) -> int:
    """How long a key of ``kind`` that has counted ``failures`` makes the next attempt wait."""
    threshold, cap = _rule(kind)
    if failures < threshold:
        return 0
    first = current_app.config["LOGIN_FIRST_DELAY_SECONDS"]
    return min(cap, first * 2 ** min(failures - threshold, 32))


def wait_until(email: str, address: str | None, device: str | None = None) -> dt.datetime | None:
    """When an attempt on ``email`` from ``address`` may be made, or None if it may now."""
    return db.session.scalar(
        select(func.max(LoginThrottle.blocked_until)).where(
            LoginThrottle.key.in_([k.key for k in keys_for(email, address, device)]),
            LoginThrottle.blocked_until > bindparam("now", utcnow(), type_=UTCDateTime()),
        )
    )


def _count(key: Key, now: dt.datetime) -> int:
    """Add one failure to ``key`` (starting again after a quiet window); its count now."""
    quiet_since = now - dt.timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    stale = LoginThrottle.last_failure_at <= bindparam("quiet", quiet_since, type_=UTCDateTime())
    bump = (
        update(LoginThrottle)
        .where(LoginThrottle.key == key.key)
        .values(failures=case((stale, 1), else_=LoginThrottle.failures + 1), last_failure_at=now)
        .returning(LoginThrottle.failures)
        .execution_options(synchronize_session=False)
    )
    failures = db.session.execute(bump).scalar()
    if failures is None:
        try:
            with db.session.begin_nested():
                db.session.add(LoginThrottle(key=key.key, kind=key.kind, email=key.email,
                                             address=key.address, failures=1, last_failure_at=now))
            failures = 1
        except IntegrityError:  # another worker created it meanwhile
            failures = db.session.execute(bump).scalar_one()
    return failures


def record_failure(email: str, address: str | None, device: str | None = None) -> dt.datetime | None:
    """Count one failed sign-in; when the next attempt may be made, or None if at once."""
    now = utcnow()
    first_of_pair = 0
    for key in keys_for(email, address, device):
        if key.kind == "address" and first_of_pair != 1:
            continue  # the address counts distinct accounts, not failures
        failures = _count(key, now)
        if key.kind == "pair":
            first_of_pair = failures
        wait = delay_seconds(key.kind, failures)
        if wait:
            until = bindparam("until", now + dt.timedelta(seconds=wait), type_=UTCDateTime())
            db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key.key)
                .values(blocked_until=case(
                    (LoginThrottle.blocked_until > until, LoginThrottle.blocked_until), else_=until))
                .execution_options(synchronize_session=False)
            )
    _forget_quiet_keys(now)
    user = User.by_email(email)
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        user.last_failed_login_at = now
    db.session.flush()
    return wait_until(email, address, device)


def _forget_quiet_keys(now: dt.datetime) -> None:
    """Delete keys with no recent failure and no wait, so the table does not grow without end."""
    quiet_since = now - dt.timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    db.session.execute(
        delete(LoginThrottle)
        .where(
            LoginThrottle.last_failure_at <= bindparam("quiet", quiet_since, type_=UTCDateTime()),
            or_(LoginThrottle.blocked_until.is_(None),
                LoginThrottle.blocked_until < bindparam("now", now, type_=UTCDateTime())),
        )
        .execution_options(synchronize_session=False)
    )


def record_success(user: User, address: str | None, device: str | None = None) -> None:
    """Clear this browser's count for ``user`` after a good sign-in, and note the time.

    The account-wide and address-wide counts stay: a real user's success must not hand an
    attacker elsewhere a fresh set of free guesses.
    """
    mine = [k.key for k in keys_for(user.email, address, device) if k.kind in ("pair", "device")]
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.key.in_(mine))
        .execution_options(synchronize_session=False)
    )
    user.failed_logins = 0
    user.last_login_at = utcnow()
    db.session.flush()


def count_reset_request(address: str | None) -> int:
    """Count a forgotten-password request from ``address``; how many it has made in the window.

    Kept beside the sign-in counters (kind ``reset``) so every worker agrees and
    ``unlock-address`` clears it too. Requests are counted whether or not the address asked
    about has an account, so the count reveals nothing either."""
    address = address or UNKNOWN_ADDRESS
    requests = _count(Key("reset", f"reset:{address}", None, address), utcnow())
    db.session.flush()
    return requests


def _lift(condition: object) -> int:
    """Delete the keys matching ``condition``; how many of them were making people wait."""
    waiting = db.session.scalar(
        select(func.count()).select_from(LoginThrottle).where(
            condition, LoginThrottle.blocked_until > bindparam("now", utcnow(), type_=UTCDateTime()))
    ) or 0
    db.session.execute(delete(LoginThrottle).where(condition).execution_options(synchronize_session=False))
    return waiting


def unlock_account(email: str) -> int:
    """Lift every delay and count on ``email`` (an admin's decision); how many were waiting."""
    return _lift(LoginThrottle.email == User.normalise_email(email))


def unlock_address(address: str) -> int:
    """Lift every delay and count on ``address`` (an admin's decision); how many were waiting."""
    return _lift(LoginThrottle.address == address.strip())


def current_delays() -> list[LoginThrottle]:
    """The keys making attempts wait now, the longest wait first."""
    return list(db.session.scalars(
        select(LoginThrottle)
        .where(LoginThrottle.blocked_until > bindparam("now", utcnow(), type_=UTCDateTime()))
        .order_by(LoginThrottle.blocked_until.desc(), LoginThrottle.key)
    ))
