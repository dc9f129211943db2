"""The ordered routing table: the first flow whose `accepts` is true takes the turn."""

from bot.flows.base import Flow
from bot.flows.booking import BookingFlow
from bot.flows.care import CareOfferFlow, EmergencyFlow, LonelyFlow, ScamFlow
from bot.flows.events import EventsFlow
from bot.flows.hours import HoursFlow
from bot.flows.language import LanguageFlow
from bot.flows.menu import FallbackFlow, MenuFlow, SmallTalkFlow
from bot.flows.mybookings import MyBookingsFlow
from bot.flows.myneeds import MyNeedsFlow
from bot.flows.need import NeedFlow
from bot.flows.news import SubscribeFlow, UnsubscribeFlow
from bot.flows.pages import MorePagesFlow
from bot.flows.person import HeldFlow, MediaFlow, PersonFlow
from bot.flows.privacy import PrivacyFlow
from bot.flows.spidinfo import SpidInfoFlow
from bot.flows.toolong import TooLongFlow
from bot.flows.voice import NotHeardFlow, VoiceFlow
from bot.flows.waiting import WaitingFlow
from bot.flows.whichone import WhichOneFlow

# Order is priority: a person holding the conversation first, then danger, scams and
# loneliness (care before procedure), questions about the wait for a person, then what
# works from anywhere (a person, the next page of a list on SMS, a message too long to act
# on, privacy, STOP, menu), the journeys, the catch-all last.
FLOWS: tuple[Flow, ...] = (
    HeldFlow(),
    EmergencyFlow(),
    ScamFlow(),
    LonelyFlow(),
    WaitingFlow(),
    PersonFlow(),
    MorePagesFlow(),
    TooLongFlow(),
    WhichOneFlow(),
    PrivacyFlow(),
    UnsubscribeFlow(),
    NotHeardFlow(),
    VoiceFlow(),
    MenuFlow(),
    CareOfferFlow(),
    MediaFlow(),
    LanguageFlow(),
    MyNeedsFlow(),
    EventsFlow(),
    BookingFlow(),
    MyBookingsFlow(),
    NeedFlow(),
    HoursFlow(),
    SubscribeFlow(),
    SpidInfoFlow(),
    SmallTalkFlow(),
    FallbackFlow(),
)
