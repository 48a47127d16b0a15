"""Sign-ins: the admin page of sign-ins, creating them, their roles and states (issue 19)."""
