"""The snapshot: everything a tablet needs to show a meeting as it is now."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.models import Ballot, Body, Participant, Role, Vote, VoteStatus
from meetings.preparation import items_with_documents
from meetings.running import participants
from meetings.speakers import speakers_for
from meetings.views import item_view, meeting_view, presentation_view, vote_view
from meetings.voting import ballot_counts


def snapshot(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    body = session.get(Body, meeting.body_id)
    votes = list(
        session.exec(select(Vote).where(Vote.meeting_id == meeting_id).order_by(col(Vote.id)))
    )
    open_view: dict[str, Any] | None = None
    for vote in votes:
        if vote.status != VoteStatus.OPEN.value:
            continue
        counts = ballot_counts(session, vote)
        open_view = vote_view(vote, cast=sum(counts.values()))
        open_view["my_choice"] = session.exec(
            select(Ballot.choice).where(Ballot.vote_id == vote.id, Ballot.user_id == actor.user_id)
        ).first()
        if role in (Role.SECRETARY.value, Role.CHAIR.value):
            open_view["tally"] = counts
    staff = role in (Role.SECRETARY.value, Role.CHAIR.value) or actor.is_admin
    total, present = session.exec(
        select(func.count(), func.count(col(Participant.checked_in_at)))
        .where(Participant.meeting_id == meeting_id)
    ).one()
    return {
        "meeting": meeting_view(meeting, body),
        "me": {"user_id": actor.user_id, "full_name": actor.full_name, "role": role},
        "items": [item_view(i, ds) for i, ds in items_with_documents(session, meeting_id)],
        "presentation": presentation_view(meeting),
        # A congress has 1,600 delegates: each tablet gets its own line and the counts; the
        # secretary and the chair get everyone.
        "participants": participants(session, meeting_id, None if staff else actor.user_id),
        "attendance": {"present": present, "total": total},
        "open_vote": open_view,
        "votes": [vote_view(v) for v in votes if v.status != VoteStatus.OPEN.value],
        "speakers": speakers_for(session, meeting_id, actor.user_id),
    }
