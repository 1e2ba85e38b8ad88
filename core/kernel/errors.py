"""Named domain errors. Dialogs turn each into a friendly card; none ever reaches a user as a trace."""


class DomainError(Exception):
    """Base class: `message` is safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class NotFound(DomainError):
    pass


class StaleState(DomainError):
    """Someone else changed the row first (optimistic concurrency)."""


class AlreadyBooked(DomainError):
    pass


class ClinicFull(DomainError):
    pass


class BookingClosed(DomainError):
    """The session has started, is about to, or was cancelled."""


class TooManyBookings(DomainError):
    pass
