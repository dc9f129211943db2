""" "My reports" and "where is report B-4842?": what, where, status and last change."""

from __future__ import annotations

import re

from actions import needs
from actions.errors import NotFound
from actions.models import Need
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer
from bot.forms.need import CATEGORY_LABELS, what_of
from bot.i18n import N_
from bot.messages import Reply

NAME = "myneeds"
# "B-4842", "b 4842", "B4842": the reference residents read from our message
REFERENCE = re.compile(r"(?<!\w)[bB]\s?-?\s?(\d{4})(?!\d)")
STATUS_LABELS = {
    "open": N_("ricevuta, ancora da prendere in carico"),
    "in_progress": N_("in lavorazione"),
    "solved": N_("risolta"),
}


def reference_in(text: str) -> str | None:
    """The need reference a message quotes, written as we write it ("B-4842")."""
    found = REFERENCE.search(text)
    return f"B-{found.group(1)}" if found else None


class MyNeedsFlow:
    """The resident's reports: one by reference, the only one, or a list to pick from."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        quoted = not turn.state.step and reference_in(turn.text) is not None
        return turn.choice == NAME or turn.intent == "my_reports" or quoted or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        if turn.in_flow(NAME) and turn.choice and turn.choice.startswith("need:"):
            reference = turn.choice.removeprefix("need:")
        else:
            reference = reference_in(turn.text)
        if reference is not None:
            try:
                need = await needs.need_of(
                    ctx.session, resident_id=ctx.resident.id, reference=reference
                )
            except NotFound:
                intro = _("Non trovo la segnalazione {reference} tra le sue.").format(
                    reference=reference
                )
                return await self._list(turn, ctx, intro)
            return [Reply(describe_need(ctx, need)), main_menu(ctx, turn.state)]
        return await self._list(turn, ctx)

    async def _list(self, turn: Turn, ctx: TurnContext, intro: str = "") -> list[Reply]:
        _ = ctx.gettext
        mine = await needs.needs_of(ctx.session, resident_id=ctx.resident.id)
        if not mine:
            text = "\n".join(filter(None, [intro, _("Non ha fatto segnalazioni.")]))
            return [main_menu(ctx, turn.state, text)]
        if len(mine) == 1 and not intro:
            return [Reply(describe_need(ctx, mine[0])), main_menu(ctx, turn.state)]
        turn.state.start(NAME, "pick")
        offer(turn.state, [f"need:{n.reference}" for n in mine])
        question = _("Quale segnalazione? Scriva il numero. Per il menu scriva 0.")
        options = tuple(
            f"{n.reference} {_(CATEGORY_LABELS.get(n.category, CATEGORY_LABELS['other']))}"
            for n in mine
        )
        return [Reply("\n".join(filter(None, [intro, question])), options)]


def describe_need(ctx: TurnContext, need: Need) -> str:
    """Reference, what, where, status and last change, in the resident's language."""
    _ = ctx.gettext
    where = ", ".join(p for p in (need.location, need.quartiere) if p)
    lines = [
        _("Segnalazione {reference}").format(reference=need.reference),
        what_of(ctx, need),
    ]
    if where:
        lines.append(_("Dove: {where}").format(where=where))
    lines.append(_("Stato: {status}").format(status=_(STATUS_LABELS.get(need.status, need.status))))
    lines.append(_("Ultimo cambiamento: {when}").format(when=ctx.format_when(need.updated_at)))
    return "\n".join(lines)
