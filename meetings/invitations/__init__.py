"""Invitations (giấy mời họp): the letter with its calendar file (`letters`, `calendar`), the
outbox the mailer drains (`outbox`), and the members' answers that pre-fill attendance
(`replies`)."""

from meetings.invitations.outbox import (
    email_of,
    invitations_view,
    meeting_changed,
    send_invitations,
    set_email,
    uninvite,
    withdraw,
)
from meetings.invitations.replies import my_reply, prefill_attendance, reply

__all__ = ["email_of", "invitations_view", "meeting_changed", "my_reply", "prefill_attendance",
           "reply", "send_invitations", "set_email", "uninvite", "withdraw"]
