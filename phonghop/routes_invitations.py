"""Routes: the invitation (send, resend, each participant's address), the members' answers,
and cancelling a meeting. Letters are queued by the domain and sent by the mailer after the
commit (`services.mailer.kick`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings import cancellation, invitations
from meetings.access import Action, authorize
from meetings.errors import invalid
from meetings.views import meeting_view
from phonghop.auth import parts
from phonghop.responses import field_str, json_response, path_int, read_json


async def get_invitations(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    view = await services.read(lambda s: invitations.invitations_view(s, actor, meeting_id))
    return json_response(view | {"mail_configured": services.mailer.configured})


async def send(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    user_ids = data.get("user_ids")
    if user_ids is not None and (not isinstance(user_ids, list) or not all(
            isinstance(u, int) and not isinstance(u, bool) for u in user_ids)):
        raise invalid("bad_field", "Trường 'user_ids' phải là danh sách số nguyên.",
                      "The field 'user_ids' must be a list of integers.", field="user_ids")
    # Who asks first: to an outsider the meeting is not there, whatever the mail settings.
    await services.read(lambda s: authorize(s, actor, meeting_id, Action.PREPARE))
    services.mailer.require_configured()
    summary = await services.perform(
        lambda s: invitations.send_invitations(s, actor, meeting_id, user_ids))
    services.mailer.kick()
    return json_response(summary, status=202)


async def set_email(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    user_id = path_int(request, "user_id")
    email = field_str(await read_json(request), "email")
    row = await services.perform(
        lambda s: invitations.set_email(s, actor, meeting_id, user_id, email))
    return json_response(row)


async def get_reply(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    return json_response(await services.read(
        lambda s: invitations.my_reply(s, actor, meeting_id)))


async def put_reply(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    data = await read_json(request)
    answer = field_str(data, "reply")
    reason = field_str(data, "reason", default="")
    return json_response(await services.perform(
        lambda s: invitations.reply(s, actor, meeting_id, answer, reason)))


async def cancel(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    meeting_id = path_int(request, "meeting_id")
    reason = field_str(await read_json(request), "reason", default="")
    meeting = await services.perform(
        lambda s: cancellation.cancel_meeting(s, actor, meeting_id, reason))
    services.mailer.kick()
    return json_response({"meeting": meeting_view(meeting)})


routes = [
    Route("/api/meetings/{meeting_id:int}/invitations", get_invitations, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/invitations/send", send, methods=["POST"]),
    Route("/api/meetings/{meeting_id:int}/invitations/{user_id:int}", set_email,
          methods=["PUT"]),
    Route("/api/meetings/{meeting_id:int}/reply", get_reply, methods=["GET"]),
    Route("/api/meetings/{meeting_id:int}/reply", put_reply, methods=["PUT"]),
    Route("/api/meetings/{meeting_id:int}/cancel", cancel, methods=["POST"]),
]
