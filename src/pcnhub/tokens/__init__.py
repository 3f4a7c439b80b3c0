"""Personal API tokens (issue 12): created and revoked by their user, audited, accepted
by the API beside the session.
"""
