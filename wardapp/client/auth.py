"""Keeping the user signed in: tokens (never the password) in a vault, refreshed when due."""

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from wardapp.client.api import AimStoreApi, Refused, ServerTrouble, Unauthorised, Unreachable
from wardapp.client.errors import NotSignedIn, SignInFailed
from wardapp.client.store import LocalStore

T = TypeVar("T")
EARLY_REFRESH_S = 30.0


class TokenVault(Protocol):
    def tokens(self) -> dict[str, Any] | None: ...
    def save_tokens(self, tokens: dict[str, Any]) -> None: ...
    def forget_tokens(self) -> None: ...


ENDED = "ended_refresh_token"  # kept in the vault once the store has ended a sign-in


class StoreTokenVault:
    """Tokens inside the encrypted database, for profiles opened with a passphrase."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def tokens(self) -> dict[str, Any] | None:
        stored = self.store.get_meta("tokens")
        return json.loads(stored) if stored else None

    def save_tokens(self, tokens: dict[str, Any]) -> None:
        with self.store.transaction() as db:
            self.store.set_meta(db, "tokens", json.dumps(tokens))

    def forget_tokens(self) -> None:
        with self.store.transaction() as db:
            self.store.set_meta(db, "tokens", None)


class Authenticator:
    def __init__(
        self, api: AimStoreApi, vault: TokenVault, clock: Callable[[], float] = time.time
    ) -> None:
        self.api = api
        self.vault = vault
        self.clock = clock

    def _signed_in(self) -> dict[str, Any] | None:
        """The tokens of the current sign-in; None when there is none (or it has ended)."""
        tokens = self.vault.tokens()
        return tokens if tokens and "access_token" in tokens else None

    def sign_in(self, username: str, password: str, device_name: str) -> dict[str, Any]:
        # The refresh token of a sign-in the store ended is kept (in the vault, across restarts)
        # and sent with the next password sign-in, so that this device gets through a lock
        # someone else caused on the account.
        ended = (self.vault.tokens() or {}).get(ENDED)
        try:
            answer = self.api.sign_in(username, password, device_name, ended)
        except Unauthorised as exc:
            raise SignInFailed(str(exc)) from None
        except Unreachable as exc:
            raise SignInFailed(f"{exc} Check the connection and try again.") from None
        except ServerTrouble as exc:
            raise SignInFailed(
                exc.message
                or f"The AIM store is busy or down (HTTP {exc.status}); try again shortly."
            ) from None
        except Refused as exc:
            raise SignInFailed(exc.message) from None
        return self._keep(answer.model_dump())

    def _keep(self, answer: dict[str, Any]) -> dict[str, Any]:
        tokens = {
            "access_token": answer["access_token"],
            "refresh_token": answer["refresh_token"],
            "expires_at": self.clock() + float(answer["expires_in"]),
            "user": answer["user"],
        }
        self.vault.save_tokens(tokens)
        return tokens

    def user(self) -> dict[str, Any] | None:
        tokens = self._signed_in()
        return tokens["user"] if tokens else None

    def _tokens(self) -> dict[str, Any]:
        tokens = self._signed_in()
        if tokens is None:
            raise NotSignedIn("Sign in to send reports; they are kept safely until then.")
        return tokens

    def access_token(self) -> str:
        tokens = self._tokens()
        if float(tokens["expires_at"]) - EARLY_REFRESH_S <= self.clock():
            return self.refresh()
        return str(tokens["access_token"])

    def refresh(self) -> str:
        tokens = self._tokens()
        try:
            answer = self.api.refresh(tokens["refresh_token"])
        except Unauthorised:
            self.vault.save_tokens({ENDED: str(tokens["refresh_token"])})
            raise NotSignedIn(
                "Your sign-in has ended; sign in again. Unsent reports are kept."
            ) from None
        return str(self._keep(answer.model_dump())["access_token"])

    def call(self, request: Callable[[str], T]) -> T:
        """Runs ``request(access_token)``, refreshing once if the server says it expired."""
        try:
            return request(self.access_token())
        except Unauthorised:
            return request(self.refresh())

    def sign_out(self) -> None:
        tokens = self._signed_in()
        self.vault.forget_tokens()
        if tokens:
            # Offline, signing out still forgets the tokens here; the device expires unused.
            with contextlib.suppress(Exception):
                self.api.sign_out(str(tokens["access_token"]))
