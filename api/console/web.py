"""What every console page shares: templates, the staff member logged in, their language,
flashes, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from actions.errors import DomainError
from actions.models import StaffUser
from api import deps
from api.csrf import csrf_token
from api.deps import Session
from api.settings import Settings
from bot.i18n import N_, translations
from bot.staff_labels import LABELS, label, resident_name, staff_name

CONSOLE_DOMAIN = "console"  # locales/*/LC_MESSAGES/console.po: Italian is the source
# The console's languages, each named in its own words (the switch in the header).
CONSOLE_LANGUAGES = {"it": "Italiano", "en": "English"}
SESSION_LANGUAGE = "language"  # the language of the last staff member here (the login page)
SESSION_STAFF = "staff_id"
SESSION_VERSION = "staff_version"  # the account's session_version when this session began
# Only the console's own scripts, styles and connections; no framing (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
SESSION_FLASH = "flash"
NOT_FOR_YOUR_ROLE = N_("Questa pagina non è per il suo ruolo.")  # translated on the error page


class LocalTime:
    """Dates and times in the city's time zone, as the console shows them (weekday names in the
    staff member's language) and reads them from its forms."""

    def __init__(self, zone: ZoneInfo, language: str = "it") -> None:
        self.zone = zone
        self.language = language

    def when(self, moment: datetime | None) -> str:
        """E.g. "mer 25/11 10:05"."""
        if moment is None:
            return "—"
        return format_datetime(
            moment.astimezone(self.zone), "EEE dd/MM HH:mm", locale=self.language
        )

    def day(self, moment: datetime | date) -> str:
        """E.g. "mer 25/11/2026"."""
        local = moment.astimezone(self.zone) if isinstance(moment, datetime) else moment
        return format_date(local, "EEE dd/MM/yyyy", locale=self.language)

    def hour(self, moment: datetime) -> str:
        """E.g. "10:05"."""
        return f"{moment.astimezone(self.zone):%H:%M}"

    def date_input(self, moment: datetime | None) -> str:
        """The value of an <input type=date>."""
        return "" if moment is None else moment.astimezone(self.zone).date().isoformat()

    def time_input(self, moment: datetime | None) -> str:
        """The value of an <input type=time>."""
        return "" if moment is None else f"{moment.astimezone(self.zone):%H:%M}"

    def parse(self, day: str, hour: str) -> datetime:
        """A local date and time from two form fields; ValueError when malformed."""
        moment = datetime.fromisoformat(f"{day.strip()}T{hour.strip()}")
        return moment.replace(tzinfo=self.zone)


Words = Callable[..., str]


@lru_cache(maxsize=len(CONSOLE_LANGUAGES))
def words(language: str) -> Words:
    """The console's texts in `language`: _("Evento salvato: {title}.", title=...)."""
    catalog = translations(language if language in CONSOLE_LANGUAGES else "it", CONSOLE_DOMAIN)

    def _(message: str, **values: object) -> str:
        text = catalog.gettext(message) if message else message  # "": the catalog's header
        return text.format(**values) if values else text

    return _


def _templates(language: str) -> Jinja2Templates:
    """The console's templates speaking `language` (one set each: no per-request state)."""
    templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
    _ = words(language)

    def staff_label(kind: str, value: str | None) -> str:
        """A stored code in the staff member's words."""
        return _(label(kind, value))

    def template_text(message: str, **values: object) -> Markup:
        """The catalog's text is trusted (as with Jinja's own i18n: an apostrophe stays one);
        the values put into it are escaped."""
        text = Markup(_(message))
        return text.format(**values) if values else text

    templates.env.globals.update(
        _=template_text,
        label=staff_label,
        staff_name=staff_name,
        resident_name=lambda resident: resident_name(resident, _),
        language=language,
        console_languages=CONSOLE_LANGUAGES,
    )
    return templates


TEMPLATES = {language: _templates(language) for language in CONSOLE_LANGUAGES}


def labels_in(kind: str, _: Words) -> dict[str, str]:
    """The staff words for every code of a kind (bot.staff_labels), translated."""
    return {code: _(word) for code, word in LABELS[kind].items()}


def language_of(request: Request) -> str:
    """The language the console speaks to this request: the staff member's choice (or the
    last one made in this browser, before logging in); Italian otherwise."""
    chosen = getattr(request.state, "language", None) or request.scope.get("session", {}).get(
        SESSION_LANGUAGE
    )
    return chosen if chosen in CONSOLE_LANGUAGES else "it"


def texts(request: Request) -> Words:
    """The console's texts in the language of this request."""
    return words(language_of(request))


def say(request: Request, message: str, **values: object) -> str:
    """One console text in the language of this request (extracted with `-k say:2`)."""
    return texts(request)(message, **values)


def templates_of(request: Request) -> Jinja2Templates:
    """The templates in the language of this request."""
    return TEMPLATES[language_of(request)]


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def local_time_of(request: Request) -> LocalTime:
    """Local dates and times in the configured time zone, in the request's language."""
    return LocalTime(settings_of(request).zone, language_of(request))


class LoginRequired(Exception):
    """Nobody is logged in (or the account was switched off): go to the login page."""


class ActionFailed(Exception):
    """A staff action was refused: say why on the page the person came from."""

    def __init__(self, message: str, back: str) -> None:
        super().__init__(message)
        self.back = back


async def console_staff(request: Request, session: Session) -> StaffUser:
    """The staff member logged in to the console."""
    staff_id = request.session.get(SESSION_STAFF)
    user = await session.get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if user is None or not session_holds(user, request.session.get(SESSION_VERSION)):
        request.session.pop(SESSION_STAFF, None)
        raise LoginRequired()
    request.state.language = user.language
    return user


def session_holds(user: StaffUser | None, version: object) -> bool:
    """True while a session that began at `version` may act as `user`: a logout, a disabled
    account or a new password ended it (a copy of the cookie too), as the version moved on."""
    return user is not None and user.active and version == user.session_version


ConsoleStaff = Annotated[StaffUser, Depends(console_staff)]


def require_role(user: StaffUser, *roles: str) -> None:
    """The API's role check, with the console's own words on its 403 page."""
    deps.require_role(user, *roles, detail=NOT_FOR_YOUR_ROLE)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A message shown once on the next page."""
    request.session.setdefault(SESSION_FLASH, []).append([kind, text])


def redirect(url: str) -> RedirectResponse:
    """After a POST: see the result with a GET (so a reload does not repeat the action)."""
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def safe_back(url: str | None, default: str) -> str:
    """A console path to return to; anything else (another site) becomes `default`."""
    if url and url.startswith("/console/") and not url.startswith("//") and "\\" not in url:
        return url
    return default


@contextmanager
def failing_back(back: str) -> Iterator[None]:
    """Turn a refused action into a message on page `back` (the transaction rolls back)."""
    try:
        yield
    except DomainError as exc:
        raise ActionFailed(str(exc), back) from exc


def page(
    request: Request,
    name: str,
    user: StaffUser | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a console page with what every page needs."""
    flashes = request.session.pop(SESSION_FLASH, [])
    return templates_of(request).TemplateResponse(
        request,
        name,
        {
            "user": user,
            "csrf_token": csrf_token(request),
            "flashes": flashes,
            "local": local_time_of(request),
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
        headers=SECURITY_HEADERS,
    )


def partial(request: Request, name: str, **context: Any) -> HTMLResponse:
    """A piece of a page answering an htmx request (flashes stay for the next full page)."""
    return templates_of(request).TemplateResponse(
        request,
        name,
        {"csrf_token": csrf_token(request), "local": local_time_of(request), **context},
        headers=SECURITY_HEADERS,
    )


def fragment(name: str, language: str, **context: Any) -> str:
    """A piece of a page in `language`, e.g. the rows the inbox's live updates replace."""
    return TEMPLATES[language].get_template(name).render(**context)
