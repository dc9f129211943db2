"""The ordered routing table: the first flow whose `accepts` is true takes the turn."""

from bot.flows.base import Flow
from bot.flows.events import EventsFlow
from bot.flows.hours import HoursFlow
from bot.flows.language import LanguageFlow
from bot.flows.menu import FallbackFlow, MenuFlow, SmallTalkFlow
from bot.flows.news import SubscribeFlow, UnsubscribeFlow

# Order is priority: commands that work from anywhere first, the catch-all last.
FLOWS: tuple[Flow, ...] = (
    UnsubscribeFlow(),
    MenuFlow(),
    LanguageFlow(),
    EventsFlow(),
    HoursFlow(),
    SubscribeFlow(),
    SmallTalkFlow(),
    FallbackFlow(),
)
