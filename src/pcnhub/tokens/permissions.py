"""Who may see and revoke others' tokens in Django's admin: administrators.

Users manage their own tokens on /account/tokens/ (any role); the admin site's
model permissions are django-rules predicates, as pcnhub.access's are.
"""

import rules
from pcnhub.access.permissions import is_admin

for _action in ("view", "change"):
    rules.add_perm(f"tokens.{_action}_apitoken", is_admin)
