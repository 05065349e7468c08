"""The snapshot: everything a tablet needs to show a meeting as it is now."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from meetings import roster
from meetings.access import Action, authorize, sees_agenda
from meetings.accounts import Actor
from meetings.documents.offline import DEFAULT_HOURS, offline_view
from meetings.documents.placement import withdrawn_documents
from meetings.exclusions import agenda_for
from meetings.live.attendance import quorum_view
from meetings.live.running import participants
from meetings.live.screen import screen_view
from meetings.live.speakers import speakers_for
from meetings.models import (
    Ballot,
    Body,
    Participant,
    User,
    Vote,
    VoteStatus,
    VoteVoter,
)
from meetings.views import document_view, meeting_view, presentation_view, vote_view
from meetings.votes.voting import (
    ballot_counts,
    cast_count,
    default_question,
    has_voted,
    not_voted,
)


def snapshot(session: Session, actor: Actor, meeting_id: int, *,
             offline_hours: float = DEFAULT_HOURS) -> dict[str, Any]:
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    body = session.get(Body, meeting.body_id)
    votes = list(
        session.exec(select(Vote).where(Vote.meeting_id == meeting_id).order_by(col(Vote.id)))
    )
    open_view: dict[str, Any] | None = None
    for vote in votes:
        if vote.status != VoteStatus.OPEN.value:
            continue
        open_view = vote_view(vote, cast=cast_count(session, vote.id or 0))
        open_view |= my_ballot(session, actor, vote)
        if roster.is_staff(role):
            if vote.kind != "secret":
                open_view["tally"] = ballot_counts(session, vote)
            if vote.kind == "named":
                open_view["not_voted"] = not_voted(session, vote)
    staff = roster.is_staff(role) or actor.is_admin
    total, present = session.exec(
        select(func.count(),
               func.coalesce(func.sum(case((roster.present_in_sql(), 1), else_=0)), 0))
        .where(Participant.meeting_id == meeting_id)
    ).one()
    # Members and guests see a draft's agenda once it is published to them (meetings.access).
    agenda = sees_agenda(actor, meeting, role)
    out = {
        "meeting": meeting_view(meeting, body),
        "me": {"user_id": actor.user_id, "full_name": actor.full_name, "role": role},
        # Each item carries the question a vote on it puts when the secretary leaves it empty.
        "items": [item | {"vote_question": default_question(item["title"])}
                  for item in agenda_for(session, actor, meeting_id, staff=staff)]
        if agenda else [],
        "presentation": presentation_view(meeting),
        # A congress has 1,600 delegates: each tablet gets its own line and the counts; the
        # secretary and the chair get everyone.
        "participants": participants(session, meeting_id, None if staff else actor.user_id),
        "attendance": {"present": present, "total": total},
        "quorum": quorum_view(session, meeting_id),
        "open_vote": open_view,
        "votes": [vote_view(v) for v in votes if v.status != VoteStatus.OPEN.value],
        "speakers": speakers_for(session, meeting_id, actor.user_id, staff=staff),
        "screen": screen_view(session, meeting),
        # What this tablet may keep of the documents, and until when (issue 13 §4).
        "offline": offline_view(session, meeting, offline_hours),
    }
    if staff:  # what was withdrawn after the start: the secretary still sees it, marked
        out["withdrawn_documents"] = [document_view(d)
                                      for d in withdrawn_documents(session, meeting_id)]
    return out


def my_ballot(session: Session, actor: Actor, vote: Vote) -> dict[str, Any]:
    """What a member sees of their own ballot: the choice, or for a secret vote only that it
    was counted; and the absent members they hold a proxy for, with the ballot cast for each."""
    out: dict[str, Any] = {"voted": has_voted(session, vote.id or 0, actor.user_id),
                           "my_choice": None, "my_marks": None}
    if vote.kind != "secret":
        row = session.exec(
            select(Ballot).where(Ballot.vote_id == vote.id, Ballot.user_id == actor.user_id)
        ).first()
        if row is not None:
            out["my_choice"] = row.choice or None
            out["my_marks"] = json.loads(row.marks) if row.marks else None
    proxies = session.exec(
        select(VoteVoter.user_id, User.full_name)
        .join(User, col(User.id) == col(VoteVoter.user_id))
        .where(VoteVoter.vote_id == vote.id, VoteVoter.proxy_user_id == actor.user_id)
        .order_by(col(User.full_name))
    ).all()
    out["proxy_for"] = []
    for user_id, full_name in proxies:
        held: dict[str, Any] = {"user_id": user_id, "full_name": full_name,
                                "voted": has_voted(session, vote.id or 0, user_id),
                                "choice": None, "marks": None}
        if vote.kind != "secret":
            cast = session.exec(
                select(Ballot).where(Ballot.vote_id == vote.id, Ballot.user_id == user_id)
            ).first()
            if cast is not None:
                held["choice"] = cast.choice or None
                held["marks"] = json.loads(cast.marks) if cast.marks else None
        out["proxy_for"].append(held)
    return out
