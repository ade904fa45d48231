"""Help-centre passages written for the responder tests, and a way to wrap them as a retrieval."""

from __future__ import annotations

from knowledge.types import Passage, RetrievalResult

RESET_PASSWORD = Passage(
    doc_id="account-reset-password",
    chunk_id="account-reset-password#0",
    title="Resetting your password",
    section="Steps",
    text=(
        "# Resetting your password\n"
        "If you forgot your password you can set a new one yourself.\n\n"
        "To reset your password:\n"
        "1. Open the sign-in page and choose **Forgot password**.\n"
        "2. Enter the email address on your account.\n"
        "3. Follow the link in the email we send you; it expires after 30 minutes.\n\n"
        "If the email does not arrive within 10 minutes, check your spam folder. "
        "We apologise for any inconvenience."
    ),
    score=0.92,
    url="https://help.example.com/reset-password",
)
REFUND_TIMING = Passage(
    doc_id="billing-refunds",
    chunk_id="billing-refunds#1",
    title="Refunds",
    section="When will I get my money back?",
    text=(
        "Refunds are issued to the original payment method. "
        "A refund takes 5 to 10 business days to appear on your statement. "
        "You can follow a refund under Orders > Refund status. "
        "We value your business and thank you for your patience."
    ),
    score=0.88,
)
SHIPPING = Passage(
    doc_id="orders-shipping",
    chunk_id="orders-shipping#0",
    title="Shipping times",
    section="Delivery",
    text=(
        "Standard delivery takes 3 to 5 working days. "
        "Express delivery arrives the next working day when you order before 2 pm. "
        "You can change the delivery address until the parcel is dispatched."
    ),
    score=0.7,
)


def retrieval(query: str, *passages: Passage, confidence: float = 0.8) -> RetrievalResult:
    return RetrievalResult(query=query, passages=list(passages), confidence=confidence)
