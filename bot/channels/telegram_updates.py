"""Telegram updates (python-telegram-bot's own types) into Inbound messages and other events."""

from __future__ import annotations

import re

from telegram import CallbackQuery, ChatMemberUpdated, Message, Update

from bot.channels.base import Ignored, Parsed, Reachability, StaffMessage
from bot.messages import Inbound, Media

CHANNEL = "telegram"
# "/start", "/menu@PortineriaBot", "/start deep-link-payload": the command word alone.
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s.*)?$", re.DOTALL)
_CHOICE = re.compile(r"^[0-9]{1,3}$")
_FILE_KINDS = ("voice", "audio", "video", "video_note", "animation", "sticker", "document")
GROUPS = ("group", "supergroup")
# The custodians' group: "/chiudi 12 risolto al telefono" -> command, handoff, text.
STAFF_COMMANDS = ("prendo", "rilascia", "chiudi", "nota", "id", "aiuto", "help", "start")
_STAFF_COMMAND = re.compile(r"^/([A-Za-z]{1,32})(?:@\w+)?(?:\s+(\d{1,9})\b)?\s*(.*)$", re.DOTALL)
_CLAIM_BUTTON = re.compile(r"^prendo:([0-9]{1,9})$")


def parse_update(update: Update) -> Parsed:
    """What one update means for Portineria."""
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query)
    if update.message is not None:
        return Parsed(_message(update.update_id, update.message))
    if update.edited_message is not None:
        # The first version was answered; answering an edit would run the turn twice.
        return Parsed(Ignored("edited message"))
    if update.my_chat_member is not None:
        return Parsed(_membership(update.update_id, update.my_chat_member))
    return Parsed(Ignored("update kind not used"))


def _message(update_id: int, message: Message) -> Inbound | StaffMessage | Ignored:
    if message.from_user is not None and message.from_user.is_bot:
        return Ignored("message from a bot")
    if message.chat.type in GROUPS:
        return _staff_message(update_id, message)
    if message.chat.type != "private":
        return Ignored("not a private chat")
    media = _media(message)
    text = _command_word(message.text or message.caption or "")
    if not text and not media:
        return Ignored("no text or media")
    user = message.from_user
    return Inbound(
        channel=CHANNEL,
        address=str(message.chat.id),
        text=text,
        media=media,
        provider_message_id=str(update_id),
        language_hint=user.language_code if user else None,
        display_name=user.first_name if user else None,
    )


def _command_word(text: str) -> str:
    # Telegram menus send "/menu"; the engine knows the bare word, as typed on SMS.
    found = _COMMAND.match(text.strip())
    if found is None:
        return text
    word = found.group(1).lower()
    return "/start" if word == "start" else word


def _media(message: Message) -> tuple[Media, ...]:
    found: list[Media] = []
    if message.photo:
        # Sizes come smallest first; the largest is the one a person would look at.
        found.append(Media("photo", f"telegram-file:{message.photo[-1].file_id}", "image/jpeg"))
    for kind in _FILE_KINDS:
        item = getattr(message, kind)
        if item is not None:
            content_type = getattr(item, "mime_type", None)
            found.append(Media(kind, f"telegram-file:{item.file_id}", content_type))
            break  # an animation also comes as a document: one file is one attachment
    if message.location is not None:
        where = message.location
        found.append(Media("location", f"geo:{where.latitude},{where.longitude}"))
    if message.contact is not None:
        found.append(Media("contact", f"tel:{message.contact.phone_number}"))
    return tuple(found)


def _staff_message(update_id: int, message: Message) -> StaffMessage | Ignored:
    """A command, or an answer given by replying to one of the bot's messages."""
    user = message.from_user
    if user is None:
        return Ignored("group message from no one (an anonymous admin or a channel)")
    text = (message.text or message.caption or "").strip()
    replied = message.reply_to_message
    replying_to = None
    if replied is not None and replied.from_user is not None and replied.from_user.is_bot:
        replying_to = str(replied.message_id)
    found = _STAFF_COMMAND.match(text)
    command, handoff_id = None, None
    if found is not None and found.group(1).lower() in STAFF_COMMANDS:
        command, number, text = found.group(1).lower(), found.group(2), found.group(3)
        handoff_id = int(number) if number else None
    elif replying_to is None:
        return Ignored("staff talking among themselves")
    elif not text:
        return Ignored("only text is relayed")
    return StaffMessage(
        chat=str(message.chat.id),
        staff_account=user.id,
        sender_name=user.full_name,
        command=command,
        text=text.strip(),
        update_id=update_id,
        handoff_id=handoff_id,
        replying_to=replying_to,
    )


def _button(update_id: int, query: CallbackQuery) -> Parsed:
    # Answer every button press, or the resident's client keeps spinning.
    answer = {"method": "answerCallbackQuery", "callback_query_id": query.id}
    data = query.data or ""
    message = query.message
    claim = _CLAIM_BUTTON.match(data)
    if claim is not None and message is not None and message.chat.type in GROUPS:
        pressed = StaffMessage(
            chat=str(message.chat.id),
            staff_account=query.from_user.id,
            sender_name=query.from_user.full_name,
            command="prendo",
            text="",
            update_id=update_id,
            handoff_id=int(claim.group(1)),
            button_press=query.id,
        )
        return Parsed(pressed, answer)
    if not _CHOICE.match(data):
        return Parsed(Ignored("button data is not an option number"), answer)
    if message is not None and message.chat.type != "private":
        return Parsed(Ignored("not a private chat"), answer)
    address = str(message.chat.id) if message is not None else str(query.from_user.id)
    inbound = Inbound(
        channel=CHANNEL,
        address=address,
        text=data,
        choice=data,
        provider_message_id=str(update_id),
        language_hint=query.from_user.language_code,
        display_name=query.from_user.first_name,
    )
    return Parsed(inbound, answer)


def _membership(update_id: int, change: ChatMemberUpdated) -> Ignored | Reachability | StaffMessage:
    joined = change.new_chat_member.status in ("member", "administrator")
    if change.chat.type in GROUPS and joined:
        # Added to a group: say its id, which links it to a Casa, as /id would.
        user = change.from_user
        return StaffMessage(str(change.chat.id), user.id, user.full_name, "id", "", update_id)
    if change.chat.type != "private":
        return Ignored("not a private chat")
    status = change.new_chat_member.status
    if status == "kicked":  # the resident blocked the bot: sends would fail with 403
        return Reachability(CHANNEL, str(change.chat.id), reachable=False)
    if status == "member":  # unblocked
        return Reachability(CHANNEL, str(change.chat.id), reachable=True)
    return Ignored(f"membership status {status}")
