"""Signed customer identities: the host site vouches for who is chatting with an HMAC of the id.

The site computes ``hex(HMAC-SHA256(TIDELINE_CUSTOMER_SECRET, customer_id))`` on its server and puts
the id and the signature on the widget's script tag; Tideline checks it before linking the
conversation to the customer (their earlier conversations, the repeat-contact rule). A customer
cannot claim another customer's id without the secret.
"""

from __future__ import annotations

import hashlib
import hmac


def sign_customer(secret: str, customer_id: str) -> str:
    """The signature a host site puts beside the customer's id (hex HMAC-SHA256)."""
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


def verify_customer(secret: str | None, customer_id: str, signature: str) -> bool:
    """True when ``signature`` is the site's HMAC of ``customer_id``; False without a secret."""
    if not secret:
        return False
    return hmac.compare_digest(sign_customer(secret, customer_id), signature.strip().lower())
