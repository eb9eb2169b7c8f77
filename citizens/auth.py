"""Sign-in by personal ID number (12 digits) or e-mail address, besides the username."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from portal.validators import PERSONAL_ID_RE


class PersonalIdOrEmailBackend(ModelBackend):
    """Looks the account up by ID number or e-mail; ModelBackend still handles usernames.
    Staff keep signing in with their username; citizens rarely remember one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        value = username.strip()
        if PERSONAL_ID_RE.match(value):
            candidates = User.objects.filter(personal_id=value)
        elif "@" in value:
            candidates = User.objects.filter(email__iexact=value)
        else:
            return None
        users = list(candidates[:2])
        if len(users) != 1:
            # Unknown, or an e-mail shared by two accounts: run the hasher anyway (timing).
            User().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
