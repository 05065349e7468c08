"""Routes: attendance, quorum, the body's vote rules, and votes (issue 5). Thin: parse, call
the domain through `services.perform`, return JSON. Timed votes are closed by
`phonghop.vote_timers`; ballots go through the ballot box (`services.ballots`)."""

from __future__ import annotations

import io
import logging
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import roster
from meetings.access import Action, authorize
from meetings.errors import invalid, not_found
from meetings.live import attendance
from meetings.models import Vote
from meetings.views import vote_view
from meetings.votes import voting
from phonghop.auth import parts
from phonghop.responses import field_int, field_str, json_response, path_int, read_json
from phonghop.services import Services

log = logging.getLogger("phonghop.votes")


def _qr_key(services: Services) -> bytes:
    return ("phonghop.checkin:" + services.settings.resolved_secret()).encode()


async def check_in(request: Request) -> Response:
    """Check in: oneself (present or remote), by the room screen's code, or someone else
    (secretary or chair)."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    code = data.get("code")
    if isinstance(code, str):
        key = _qr_key(services)
        await services.perform(
            lambda s: attendance.check_in_by_code(s, actor, meeting_id, code, key))
        return json_response({"ok": True})
    user_id = field_int(data, "user_id", optional=True) or actor.user_id
    state = field_str(data, "state", default="present")
    if not roster.is_present(state):
        raise invalid("bad_attendance",
                      "Điểm danh: có mặt tại phòng họp hoặc dự họp trực tuyến.",
                      "Check-in: in the room or online.")
    await services.perform(
        lambda s: attendance.set_attendance(s, actor, meeting_id, user_id, state))
    return json_response({"ok": True})


async def set_attendance(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    user_id = field_int(data, "user_id")
    assert user_id is not None
    state = field_str(data, "state")
    reason = field_str(data, "reason", default="")
    proxy = field_int(data, "proxy_user_id", optional=True)
    await services.perform(lambda s: attendance.set_attendance(
        s, actor, meeting_id, user_id, state, reason=reason, proxy_user_id=proxy))
    quorum = await services.read(lambda s: attendance.quorum_view(s, meeting_id))
    return json_response({"ok": True, "quorum": quorum})


async def checkin_code(request: Request) -> Response:
    """The room screen's QR code: a link with a token valid for about two minutes."""
    import qrcode
    import qrcode.image.svg

    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    await services.read(lambda s: authorize(s, actor, meeting_id, Action.RUN))
    token = attendance.qr_token(_qr_key(services), meeting_id)
    url = f"{request.base_url}m/{meeting_id}?checkin={token}"
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    return json_response({"token": token, "url": url, "svg": out.getvalue().decode(),
                          "valid_seconds": attendance.QR_SECONDS})


async def quorum(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")

    def run(s: Session) -> dict[str, Any]:
        authorize(s, actor, meeting_id, Action.VIEW)
        return attendance.quorum_view(s, meeting_id)

    return json_response(await services.read(run))


def _str_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise invalid("bad_options", "Các phương án phải là danh sách chuỗi ký tự.",
                      "The options must be a list of strings.")
    return value


async def open_vote(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    question = field_str(data, "question", default="")  # empty: the item's default question
    item_id = field_int(data, "item_id", optional=True)
    kind = data.get("kind")
    options = _str_list(data.get("options"))
    min_marks = field_int(data, "min_marks", optional=True) or 0
    max_marks = field_int(data, "max_marks", optional=True) or 1
    seconds = field_int(data, "seconds", optional=True)
    rule = data.get("rule") if isinstance(data.get("rule"), dict) else None
    override = data.get("override_quorum") is True
    vote = await services.perform(lambda s: voting.open_vote(
        s, actor, meeting_id, question=question, item_id=item_id,
        kind=kind if isinstance(kind, str) else None, options=options, min_marks=min_marks,
        max_marks=max_marks, rule=rule, seconds=seconds, override_quorum=override))
    if vote.closes_at is not None and vote.id is not None:
        services.vote_timers.schedule(vote)
    return json_response({"vote": vote_view(vote, cast=0)}, status=201)


def _marks(data: dict[str, Any]) -> list[int] | None:
    marks = data.get("marks")
    if marks is None:
        return None
    if not isinstance(marks, list):
        raise invalid("bad_marks", "Các lựa chọn phải là danh sách số thứ tự phương án.",
                      "The marks must be a list of option numbers.")
    return marks


async def cast_ballot(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    vote_id = path_int(request, "vote_id")
    data = await read_json(request)
    choice = data.get("choice") if isinstance(data.get("choice"), str) else None
    for_user = field_int(data, "for_user", optional=True)
    marks = _marks(data)
    mine = await services.ballots.cast(lambda s: voting.cast_ballot(
        s, actor, vote_id, choice, marks=marks, for_user=for_user, progress=False,
        secrecy=services.secrecy))
    return json_response(mine, status=201)


async def close_vote(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    vote_id = path_int(request, "vote_id")
    vote = await services.perform(
        lambda s: voting.close_vote(s, actor, vote_id, services.secrecy))
    await services.votes_ended([vote])
    return json_response({"vote": vote_view(vote)})


async def cancel_vote(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    vote_id = path_int(request, "vote_id")
    data = await read_json(request)
    reason = field_str(data, "reason", default="")
    vote = await services.perform(lambda s: voting.cancel_vote(s, actor, vote_id, reason))
    await services.votes_ended([vote])
    return json_response({"vote": vote_view(vote)})


async def get_vote(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    vote_id = path_int(request, "vote_id")
    await services.vote_timers.close_due()

    def run(s: Session) -> dict[str, Any]:
        vote = s.get(Vote, vote_id)
        if vote is None:
            raise not_found("cuộc biểu quyết", "Vote")
        _, role = authorize(s, actor, vote.meeting_id, Action.VIEW)
        out = vote_view(vote, cast=voting.cast_count(s, vote_id))
        if vote.status != "open" or roster.is_staff(role):
            out["ballots"] = voting.named_ballots(s, vote)
        return out

    return json_response({"vote": await services.read(run)})


async def body_rules(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    data = await read_json(request)
    body_id = field_int(data, "body_id")
    assert body_id is not None
    body = await services.write(lambda s: voting.set_body_rules(s, actor, body_id, data))
    return json_response(voting.body_rules_view(body))


async def presets(request: Request) -> Response:
    _, sessions = parts(request)
    await sessions.require(request)
    return json_response({"presets": voting.presets_view()})


routes = [
    Route("/api/meetings/{meeting_id:int}/check-in", check_in, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/attendance", set_attendance, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/checkin-code", checkin_code, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/quorum", quorum, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/votes", open_vote, methods=["POST"]),
    Route("/api/votes/{vote_id:int}", get_vote, methods=["GET"]),
    Route("/api/votes/{vote_id:int}/ballots", cast_ballot, methods=["POST"]),
    Route("/api/votes/{vote_id:int}/close", close_vote, methods=["POST"]),
    Route("/api/votes/{vote_id:int}/cancel", cancel_vote, methods=["POST"]),
    Route("/api/vote-rules", body_rules, methods=["PUT"]),
    Route("/api/vote-presets", presets, methods=["GET"]),
]
