"""Errors the engine raises to its callers; each message tells a person what to do."""


class ClientError(Exception):
    """Base class: ``str(error)`` is a sentence fit to show a councillor."""


class KeyringUnavailable(ClientError):
    pass


class KeyMissing(ClientError):
    pass


class StoreUnreadable(ClientError):
    pass


class ProfileMissing(ClientError):
    pass


class NotSignedIn(ClientError):
    pass


class SignInFailed(ClientError):
    pass


class UnsafeServerUrl(ClientError):
    pass


class ReportRefused(ClientError):
    """The report cannot be saved as it is; ``fields`` says what to fix, field by field."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields
