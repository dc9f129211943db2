"""Report a need: what kind, in the resident's words, where, may we call back; a reference."""

from __future__ import annotations

from actions import hamlet, hamlet_posts, needs, places
from bot.context import TurnContext
from bot.flows.base import Turn
from bot.flows.menu import main_menu, offer, retry_prefix
from bot.i18n import N_
from bot.keywords import NO, YES
from bot.messages import Reply

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


class NeedFlow:
    """A form: category, description, place, consent (and, when the Casa is on Hamlet, may
    it be shared there); a wrong answer asks again."""

    name = NAME

    def accepts(self, turn: Turn) -> bool:
        return turn.choice == NAME or turn.intent == "report_need" or turn.in_flow(NAME)

    async def handle(self, turn: Turn, ctx: TurnContext) -> list[Reply]:
        state = turn.state
        if not turn.in_flow(NAME):
            state.start(NAME, "category")
            category = turn.entity("need_category")
            if category in CATEGORY_LABELS:
                state.slots["category"] = category
                return [self._ask_description(turn, ctx)]
            return [self._ask_category(turn, ctx)]
        step = state.step
        if step == "category":
            if turn.choice is None or not turn.choice.startswith("cat:"):
                return [self._ask_category(turn, ctx, retry=True)]
            state.slots["category"] = turn.choice.removeprefix("cat:")
            return [self._ask_description(turn, ctx)]
        if step == "description":
            if len(turn.text) < MIN_DESCRIPTION:
                return [self._ask_description(turn, ctx, retry=True)]
            state.slots["description"] = turn.text
            return [await self._ask_place(turn, ctx)]
        if step == "place":
            if turn.choice and turn.choice.startswith("q:"):
                state.slots["quartiere"] = turn.choice.removeprefix("q:")
            elif len(turn.text) >= MIN_DESCRIPTION and turn.number is None:
                state.slots["location"] = turn.text
            else:
                return [await self._ask_place(turn, ctx, retry=True)]
            return [self._ask_consent(turn, ctx)]
        answered = turn.choice in ("yes", "no") or turn.command in (YES, NO)
        if step == "hamlet":  # asked only when the Casa has a space on Hamlet
            if not answered:
                return [self._ask_hamlet(turn, ctx, retry=True)]
            state.slots["hamlet"] = turn.choice == "yes" or turn.command == YES
            return await self._submit(turn, ctx, bool(state.slots.get("contact")))
        if not answered:
            return [self._ask_consent(turn, ctx, retry=True)]
        consent = turn.choice == "yes" or turn.command == YES
        quartiere = state.slots.get("quartiere") or ctx.resident.quartiere
        if await hamlet.space_for_quartiere(ctx.session, quartiere=quartiere):
            state.slots["contact"] = consent
            return [self._ask_hamlet(turn, ctx)]
        return await self._submit(turn, ctx, consent)

    def _ask_category(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.step = "category"
        offer(turn.state, [f"cat:{key}" for key in CATEGORY_LABELS])
        return Reply(
            retry_prefix(ctx, retry) + _("Di cosa ha bisogno? Scriva il numero."),
            tuple(_(label) for label in CATEGORY_LABELS.values()),
        )

    def _ask_description(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.step = "description"
        offer(turn.state, [])
        return Reply(
            (_("Scriva qualche parola in più.") + "\n" if retry else "")
            + _("Mi racconti in breve cosa serve.")
        )

    async def _ask_place(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.step = "place"
        known = await places.quartieri(ctx.session)
        offer(turn.state, [f"q:{q}" for q in known])
        question = _("Dove? Scriva il numero del quartiere, oppure l'indirizzo.")
        return Reply(retry_prefix(ctx, retry) + question, tuple(known))

    def _ask_consent(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.step = "consent"
        offer(turn.state, ["yes", "no"])
        question = _("Possiamo chiamarla o scriverle per questo?")
        return Reply(retry_prefix(ctx, retry) + question, (_("Sì"), _("No")))

    def _ask_hamlet(self, turn: Turn, ctx: TurnContext, retry: bool = False) -> Reply:
        _ = ctx.gettext
        turn.state.step = "hamlet"
        offer(turn.state, ["yes", "no"])
        question = _(
            "Possiamo mettere la richiesta sulla pagina della Casa su Hamlet, senza il suo nome"
            " e il suo numero? Così i vicini possono aiutare."
        )
        return Reply(retry_prefix(ctx, retry) + question, (_("Sì"), _("No")))

    async def _submit(self, turn: Turn, ctx: TurnContext, consent: bool) -> list[Reply]:
        _ = ctx.gettext
        slots = turn.state.slots
        quartiere = slots.get("quartiere") or ctx.resident.quartiere
        need = await needs.file_need(
            ctx.session,
            resident_id=ctx.resident.id,
            category=slots["category"],
            description=slots["description"],
            location=slots.get("location", ""),
            quartiere=quartiere,
            consent_contact=consent,
            consent_hamlet=bool(slots.get("hamlet")),
            now=ctx.now,
        )
        await hamlet_posts.share_need(
            ctx.session,
            need=need,
            category=CATEGORY_LABELS[need.category],  # the Italian words: Hamlet is Italian
            names=(ctx.resident.display_name,),
            now=ctx.now,
        )
        ctx.resident.quartiere = ctx.resident.quartiere or slots.get("quartiere")
        done = _(
            "Grazie. La segnalazione ha il numero {reference}. Le diremo qui quando cambia."
        ).format(reference=need.reference)
        return [main_menu(ctx, turn.state, done)]
