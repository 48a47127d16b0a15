"""The profile page: the signed-in user's account and their API tokens."""
