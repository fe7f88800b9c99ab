"""Users, roles, the access policy, passwords, sessions, API tokens, CSRF and login throttling."""
