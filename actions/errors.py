"""Domain errors: flows turn them into polite replies, the API into 4xx with a reason."""


class DomainError(Exception):
    """Base of every error a resident or a staff client can cause."""

    status_code = 400


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status_code = 404


class SlotFull(DomainError):
    """No seat is left in the SPID slot."""

    status_code = 409


class AlreadyBooked(DomainError):
    """The resident already holds a seat in that slot."""

    status_code = 409


class InvalidTransition(DomainError):
    """The state change asked for is not allowed from the current state."""

    status_code = 409


class Forbidden(DomainError):
    """The caller may see the thing but not do this to it."""

    status_code = 403


class HeldByAnother(Forbidden):
    """A colleague holds the conversation: only they (or an admin, to end it) may act on it."""

    def __init__(self, handoff_id: int, holder_id: int) -> None:
        super().__init__(f"handoff {handoff_id} is held by staff {holder_id}: ask them to pass it")
        self.handoff_id, self.holder_id = handoff_id, holder_id
