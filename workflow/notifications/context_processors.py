from workflow.notifications.outbox import unread_count


def notifications(request):
    """The bell's unread count (templates/_bell.html): one COUNT over the inbox index for a
    signed-in user, nothing for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_unread": unread_count(user)}
