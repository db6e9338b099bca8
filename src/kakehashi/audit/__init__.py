"""The audit record: every consequential action, appended, never edited.

The bottom of the app stack (beside ``jobs``): every app records through
:func:`kakehashi.audit.services.audit_record`, and an entry points at the object
whose record it belongs to (a call, later an internship …) generically, so this
app imports none of them.
"""
