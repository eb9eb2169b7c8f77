"""What citizens hear about their account and their feedback, written to the notification
outbox (workflow/notifications/outbox.py) in the caller's transaction. Nothing here sends: a
Celery task delivers each row after commit and the resend task retries it, so a mail relay or
SMS gateway that is down never fails the sign-up, the activation or the feedback, and the
message goes out once the provider is back. Dossier notices (including "submitted") are
written by the outbox itself, from the dossier's events.

Verification links, codes and activation links are passed as `secret`: the outbox drops them
from the row once the message is delivered."""

from workflow.models import NotificationChannel
from workflow.notifications.outbox import Kind, notify_address, notify_user

EMAIL, SMS = NotificationChannel.EMAIL, NotificationChannel.SMS


def verification_messages(*, user, email_link, phone_code):
    """The link that verifies the account's e-mail address (sent to that address, not yet
    verified) and the code that verifies its phone number (by SMS)."""
    rows = notify_address(address=user.email, channel=EMAIL, kind=Kind.VERIFY_EMAIL, context={}, recipient=user,
                          secret={"url": email_link})
    rows += notify_address(address=user.phone, channel=SMS, kind=Kind.VERIFY_PHONE, context={}, recipient=user,
                           secret={"code": phone_code})
    return rows


def activation_message(*, user, link, unit):
    """The one-time link of an account a clerk opened at the counter (also handed over there)."""
    return notify_address(address=user.email, channel=EMAIL, kind=Kind.ACTIVATION, recipient=user,
                          context={"unit": unit.name}, secret={"url": link})


def feedback_received_message(*, feedback):
    """The tracking code and due date, to the e-mail address the sender gave."""
    return notify_address(address=feedback.sender_email, channel=EMAIL, kind=Kind.FEEDBACK_RECEIVED,
                          recipient=feedback.sender, dedupe_key=f"feedback-received:{feedback.pk}:email",
                          context={"tracking_code": feedback.tracking_code, "due_at": feedback.due_at.isoformat()})


def feedback_answered_messages(*, feedback):
    """The answer: by e-mail and SMS to the contact the sender gave, and under the bell of a
    signed-in sender (in-app only: the e-mail went to the address given on the form)."""
    context = {"tracking_code": feedback.tracking_code, "note": feedback.answer}
    rows = []
    for channel, address in ((EMAIL, feedback.sender_email), (SMS, feedback.sender_phone)):
        rows += notify_address(address=address, channel=channel, kind=Kind.FEEDBACK_ANSWERED, context=context,
                               recipient=feedback.sender, dedupe_key=f"feedback-answered:{feedback.pk}:{channel}")
    if feedback.sender_id:
        rows += notify_user(user=feedback.sender, kind=Kind.FEEDBACK_ANSWERED, email=False,
                            context={**context, "note": feedback.answer[:500]},
                            dedupe_key=f"feedback-answered:{feedback.pk}")
    return rows


def signup_existing_message(*, address, login_url):
    """To the mailbox of an ID number or e-mail that already has an account, after a sign-up
    with it: the page said nothing (no account enumeration), the owner hears about it here."""
    return notify_address(address=address, channel=EMAIL, kind=Kind.SIGNUP_EXISTING, context={"login_url": login_url})
