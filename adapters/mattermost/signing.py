"""Signed contexts: a button or dialog carries proof that labbot itself made it (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac


class ContextSigner:
    """Signs and checks short strings (a button's command, a dialog's state) with the actions secret."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def sign(self, *parts: str) -> str:
        """The signature of `parts`, in hex."""
        message = "\x1f".join(parts).encode()  # a separator no part contains, so parts cannot be shifted
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, signature: object, *parts: str) -> bool:
        """Whether `signature` was made by `sign(*parts)`; compared in constant time."""
        return isinstance(signature, str) and hmac.compare_digest(signature, self.sign(*parts))
