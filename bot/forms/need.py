"""The need form: what kind, in the resident's words, where, may we call back; a reference."""

from __future__ import annotations

from typing import Any

from actions import hamlet, hamlet_posts, needs, places
from actions.models import Need
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer
from bot.forms.base import SKIP, Form, Retry, Step
from bot.forms.takes import not_in_list, pick_key, yes_or_no
from bot.i18n import N_
from bot.messages import Reply
from bot.places import street_of

NAME = "need"
CATEGORY_LABELS = {
    "shopping": N_("Aiuto per la spesa"),
    "transport": N_("Un passaggio, per esempio dal medico"),
    "company": N_("Compagnia"),
    "street": N_("Strada o marciapiede rotto"),
    "waste": N_("Rifiuti"),
    "lighting": N_("Lampione spento"),
    "other": N_("Altro"),
}
MIN_DESCRIPTION = 3
# a request this long describes the need itself: it is not asked for again
DESCRIBED_WORDS = 7


def what_of(ctx: TurnContext, need: Need) -> str:
    """ "Aiuto per la spesa: the resident's words", or the kind alone when they added none."""
    label = CATEGORY_LABELS.get(need.category, CATEGORY_LABELS["other"])
    words = "" if need.description == label else f": {need.description[:120]}"
    return ctx.gettext(label) + words


class NeedForm(Form):
    """Category, description, place, consent and (when the Casa has a space on Hamlet) may it
    be shared there, asked in order; the rest is kept on a retry."""

    name = NAME

    def __init__(self) -> None:
        self.steps = (
            Step("category", self._ask_category, pick_key("cat")),
            Step("description", self._ask_description, self._take_description),
            Step("place", self._ask_place, self._take_place),
            Step("consent", self._ask_consent, self._take_consent),
            Step("hamlet", self._ask_hamlet, yes_or_no, lambda answers: answers.get("on_hamlet")),
        )

    async def prefill(self, turn: Turn, ctx: TurnContext) -> None:
        """The kind, the resident's own description and the place, when the request has them."""
        answers = turn.state.slots
        category = turn.entity("need_category")
        if category in CATEGORY_LABELS:
            answers["category"] = category
        words = len(turn.text.split())
        if words >= DESCRIBED_WORDS or (category in CATEGORY_LABELS and words >= 4):
            answers["description"] = turn.text
        place = {}
        if street := street_of(turn.text):
            place["location"] = street
        if quartiere := turn.entity("neighbourhood"):
            place["quartiere"] = str(quartiere)
        if place:
            answers["place"] = place

    async def _ask_category(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        offer(turn.state, [f"cat:{key}" for key in CATEGORY_LABELS])
        return Reply(
            _("Di cosa ha bisogno? Scriva il numero."),
            tuple(_(label) for label in CATEGORY_LABELS.values()),
        )

    async def _ask_description(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        # One who types only digits can still go on: the kind alone is enough to start.
        offer(turn.state, [SKIP])
        return Reply(_("Mi racconti in breve cosa serve."), (_("Niente da aggiungere"),))

    async def _take_description(self, turn: Turn, ctx: TurnContext) -> str | Retry:
        if turn.choice == SKIP:
            return CATEGORY_LABELS[turn.state.slots["category"]]  # in Italian, as staff read
        if len(turn.text) < MIN_DESCRIPTION:
            return Retry(ctx.gettext("Scriva qualche parola in più."))
        return turn.text

    async def _ask_place(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        known = await places.quartieri(ctx.session)
        offer(turn.state, [f"q:{q}" for q in known])
        question = _("Dove? Scriva il numero o l'indirizzo.")
        return Reply(question, tuple(known))

    async def _take_place(self, turn: Turn, ctx: TurnContext) -> dict[str, str] | Retry:
        if turn.choice and turn.choice.startswith("q:"):
            return {"quartiere": turn.choice.removeprefix("q:")}
        if len(turn.text) >= MIN_DESCRIPTION and turn.number is None:
            return {"location": turn.text}
        return not_in_list(ctx)

    async def _ask_consent(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        offer(turn.state, ["yes", "no"])
        understood = _("Ho capito: {what}, {where}.").format(
            what=_(CATEGORY_LABELS[turn.state.slots["category"]]), where=self._where(turn, ctx)
        )
        question = _("Possiamo chiamarla o scriverle per questo?")
        return Reply(f"{understood}\n{question}", (_("Sì"), _("No")))

    async def _take_consent(self, turn: Turn, ctx: TurnContext) -> bool | Retry:
        consent = await yes_or_no(turn, ctx)
        if not isinstance(consent, Retry):
            # Sharing on Hamlet is asked only where the need's Casa has a space there.
            quartiere = self._quartiere(turn, ctx)
            space = await hamlet.space_for_quartiere(ctx.session, quartiere=quartiere)
            turn.state.slots["on_hamlet"] = space is not None
        return consent

    async def _ask_hamlet(self, turn: Turn, ctx: TurnContext) -> Reply:
        _ = ctx.gettext
        offer(turn.state, ["yes", "no"])
        question = _(
            "Possiamo mettere la richiesta sulla pagina della Casa su Hamlet, senza il suo nome"
            " e il suo numero? Così i vicini possono aiutare."
        )
        return Reply(question, (_("Sì"), _("No")))

    def _quartiere(self, turn: Turn, ctx: TurnContext) -> str | None:
        place = turn.state.slots.get("place") or {}
        return place.get("quartiere") or ctx.resident.quartiere

    def _where(self, turn: Turn, ctx: TurnContext) -> str:
        place = turn.state.slots.get("place") or {}
        parts = [place.get("location"), place.get("quartiere") or ctx.resident.quartiere]
        return ", ".join(p for p in parts if p) or ctx.gettext("luogo non detto")

    async def submit(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        _ = ctx.gettext
        answers: dict[str, Any] = turn.state.slots
        place = answers["place"]
        quartiere = self._quartiere(turn, ctx)
        need = await needs.file_need(
            ctx.session,
            resident_id=ctx.resident.id,
            category=answers["category"],
            description=answers["description"],
            location=place.get("location", ""),
            quartiere=quartiere,
            consent_contact=answers["consent"],
            consent_hamlet=bool(answers.get("hamlet")),
            now=ctx.now,
        )
        await hamlet_posts.share_need(
            ctx.session,
            need=need,
            category=CATEGORY_LABELS[need.category],  # the Italian words: Hamlet is Italian
            names=(ctx.resident.display_name,),
            now=ctx.now,
        )
        ctx.resident.quartiere = ctx.resident.quartiere or place.get("quartiere")
        done = _("Grazie. Segnalazione numero {reference}. Le diremo qui quando cambia.").format(
            reference=need.reference
        )
        what = what_of(ctx, need)
        done += "\n" + what + "\n" + _("Dove: {where}").format(where=self._where(turn, ctx))
        return [Reply(done), main_menu(ctx, turn.state)]
