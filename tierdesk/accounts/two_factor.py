"""Optional TOTP two-factor sign-in for staff: enrol, confirm, verify at sign-in, admin reset.

Codes are RFC 6238 (30-second steps, 6 digits, SHA-1: what every authenticator app reads).
A code is accepted one step either side of now, for clocks that drift, and each step at
most once per user: the guarded update on ``totp_last_step`` makes a replayed code fail
even when two sign-ins race with it.
"""

import hmac
from datetime import datetime

import pyotp
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tierdesk.accounts.models import User
from tierdesk.errors import Conflict, Invalid, NotAllowed

ISSUER = "tierdesk"
DRIFT_STEPS = 1


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret, issuer=ISSUER, name=user.email or user.username)


def is_on(user: User) -> bool:
    return bool(user.totp_secret) and user.totp_confirmed_at is not None


def _matching_step(user: User, code: str, at: datetime) -> int | None:
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = _totp(user)
    now_step = int(at.timestamp() // totp.interval)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_code(user: User, code: str, at: datetime) -> bool:
    step = _matching_step(user, code, at)
    if step is None:
        return False
    used = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    user.totp_last_step = max(user.totp_last_step, step)
    return used == 1


def enrolment_qr(uri: str) -> SafeString:
    """The otpauth:// address as an inline SVG QR code: drawn here, so no image host or script."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4,
        border=2,
        light="#fff",
        svgclass="totp-qr",
        title="Scan with your authenticator app",
    )
    # segno writes only its own path and title (the address sits in neither): no user markup.
    return mark_safe(svg)  # noqa: S308


@transaction.atomic
def start_enrolment(*, user: User) -> str:
    """A new secret for ``user``; returns the otpauth:// address an authenticator app reads."""
    if not user.is_agent:
        raise NotAllowed("Two-factor sign-in is for staff accounts.")
    if is_on(user):
        raise Conflict("Two-factor sign-in is on already; turn it off first to start again.")
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    return _totp(user).provisioning_uri()


@transaction.atomic
def confirm_enrolment(*, user: User, code: str, at: datetime | None = None) -> User:
    """Turn two-factor on once the app shows a right code: proof the secret reached it."""
    if not user.totp_secret or is_on(user):
        raise Conflict("Start the set-up first.")
    now = at or timezone.now()
    if not _use_code(user, code, now):
        raise Invalid(
            "That code is not the one your app shows; check the phone's clock and try again.",
            fields={"code": "wrong or expired code"},
        )
    user.totp_confirmed_at = now
    user.save(update_fields=["totp_confirmed_at"])
    return user


def verify_sign_in(*, user: User, code: str, at: datetime | None = None) -> bool:
    """True when ``code`` is a fresh right code for ``user``'s confirmed secret."""
    return is_on(user) and _use_code(user, code, at or timezone.now())


@transaction.atomic
def turn_off(*, user: User, code: str, at: datetime | None = None) -> User:
    """The owner turns two-factor off with a current code (a stolen session alone cannot)."""
    if not is_on(user):
        raise Conflict("Two-factor sign-in is not on.")
    if not _use_code(user, code, at or timezone.now()):
        raise Invalid("That code is not the one your app shows.", fields={"code": "wrong code"})
    return _clear(user)


@transaction.atomic
def reset(*, actor: User | None, user: User) -> User:
    """Recovery for a lost phone: an admin (or the operator's shell, ``actor`` None) clears it."""
    if actor is not None and not actor.is_tier_admin:
        raise NotAllowed("Only an admin resets another user's two-factor sign-in.")
    return _clear(user)


def _clear(user: User) -> User:
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    return user
