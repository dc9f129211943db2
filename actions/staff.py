"""Staff accounts: custodians, community managers and admins."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.errors import DomainError, NotFound
from actions.models import Handoff, StaffUser

ROLES = ("custodian", "community_manager", "admin")
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# argon2 takes tens of milliseconds of CPU on purpose: off the event loop (webhooks, the API
# and the console keep answering), and two at a time, so a flood of logins cannot take
# every core either (argon2-cffi releases the GIL while it hashes).
_checking = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


def new_password() -> str:
    """A password a person can type: four short random words' worth of entropy."""
    return secrets.token_urlsafe(12)


async def create_staff(
    session: AsyncSession,
    *,
    email: str,
    role: str,
    password: str,
    now: datetime,
    casa_id: int | None = None,
    display_name: str = "",
) -> StaffUser:
    """Add a staff account with an argon2 password hash."""
    if role not in ROLES:
        raise DomainError(f"role must be one of {', '.join(ROLES)}")
    if role == "custodian" and casa_id is None:
        raise DomainError("a custodian belongs to a Casa di Quartiere")
    if await session.scalar(select(StaffUser.id).where(StaffUser.email == email.lower())):
        raise DomainError(f"{email} already exists")
    user = StaffUser(
        email=email.lower(),
        role=role,
        casa_id=casa_id,
        display_name=display_name,
        password_hash=_hasher.hash(password),
        created_at=now,
    )
    session.add(user)
    await session.flush()
    return user


async def staff_by_email(session: AsyncSession, *, email: str) -> StaffUser:
    """The account with that e-mail, or NotFound."""
    user = await session.scalar(select(StaffUser).where(StaffUser.email == email.lower()))
    if user is None:
        raise NotFound(f"no staff user {email}")
    return user


async def issue_token(session: AsyncSession, *, email: str) -> str:
    """A new API token for the account (only its hash is stored; the old one stops working)."""
    user = await staff_by_email(session, email=email)
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hashlib.sha256(token.encode()).hexdigest()
    return token


async def staff_by_token(session: AsyncSession, *, token: str) -> StaffUser | None:
    """The active account an API token belongs to, if any."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    return await session.scalar(
        select(StaffUser).where(StaffUser.api_token_hash == digest, StaffUser.active.is_(True))
    )


def verify_password(user: StaffUser, password: str) -> bool:
    """Check a password against the stored argon2 hash (constant time inside argon2)."""
    return _verify(user.password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except VerificationError:
        return False


async def check_password(password_hash: str, password: str) -> bool:
    """verify_password on a worker thread: the event loop goes on serving meanwhile."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_checking, _verify, password_hash, password)


# Checked when the e-mail is unknown, so a wrong address costs the same time as a wrong password
# and the login form does not tell which addresses exist.
_UNKNOWN_USER_HASH = _hasher.hash(secrets.token_urlsafe(16))


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Hash new staff passwords with `hasher` from now on (the tests' cheap parameters)."""
    global _hasher, _UNKNOWN_USER_HASH
    _hasher = hasher
    # Same parameters for the unknown-address check, or it would cost more than a wrong password.
    _UNKNOWN_USER_HASH = hasher.hash(secrets.token_urlsafe(16))


async def authenticate(session: AsyncSession, *, email: str, password: str) -> StaffUser | None:
    """The active account for this e-mail and password, or None (same cost either way)."""
    user = await session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        await check_password(_UNKNOWN_USER_HASH, password)
        return None
    if not await check_password(user.password_hash, password) or not user.active:
        return None
    return user


async def disable(session: AsyncSession, *, email: str) -> StaffUser:
    """Switch the account off: its console sessions and API token stop working at once."""
    user = await staff_by_email(session, email=email)
    user.active = False
    user.api_token_hash = None
    end_sessions(user)
    return user


async def enable(session: AsyncSession, *, email: str) -> StaffUser:
    """Switch the account on again (with its password; a new token must be issued)."""
    user = await staff_by_email(session, email=email)
    user.active = True
    return user


async def reset_password(session: AsyncSession, *, email: str) -> str:
    """A new password for the account (returned once); its open sessions end."""
    user = await staff_by_email(session, email=email)
    password = new_password()
    user.password_hash = _hasher.hash(password)
    end_sessions(user)
    return password


async def revoke_token(session: AsyncSession, *, email: str) -> StaffUser:
    """The account's API token stops working (`staff token` issues a new one)."""
    user = await staff_by_email(session, email=email)
    user.api_token_hash = None
    return user


def end_sessions(user: StaffUser) -> None:
    """Every console session of this account ends: each request checks the version."""
    user.session_version = (user.session_version or 0) + 1


async def staff_by_telegram(session: AsyncSession, *, telegram_user_id: int) -> StaffUser | None:
    """The active account linked to a Telegram user (custodians' groups), if any."""
    return await session.scalar(
        select(StaffUser).where(
            StaffUser.telegram_user_id == telegram_user_id, StaffUser.active.is_(True)
        )
    )


async def link_telegram(session: AsyncSession, *, email: str, telegram_user_id: int | None) -> None:
    """Let the account act from the custodians' Telegram groups (None unlinks it)."""
    user = await staff_by_email(session, email=email)
    if telegram_user_id is not None:
        other = await staff_by_telegram(session, telegram_user_id=telegram_user_id)
        if other is not None and other.id != user.id:
            raise DomainError(f"Telegram user {telegram_user_id} is already {other.email}")
    user.telegram_user_id = telegram_user_id


def may_see_handoff(user: StaffUser, handoff: Handoff) -> bool:
    """Staff see their Casa's and those of no Casa (every Casa's to claim); admins all."""
    return may_see_casa(user, handoff.casa_id)


def may_see_casa(user: StaffUser, casa_id: int | None) -> bool:
    """Whether the user sees the handoffs of this Casa (None: of no Casa)."""
    if user.role == "admin" or user.casa_id is None or casa_id == user.casa_id:
        return True
    # A resident who named no neighbourhood is everyone's: the first to claim takes it.
    return casa_id is None
