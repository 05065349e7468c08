"""Routes: the scans a signature appearance shows — each person's own handwritten signature
(`/api/me/signature-image`) and a body's seal, the administrator's (`/api/admin/bodies/{id}/
seal-image`). docs/api.md, "Signature and seal scans"; the rules are
`meetings.minutes.signer_images`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meetings.minutes import signer_images
from meetings.minutes.signer_images import CheckedPng, ImageKind
from phonghop.auth import parts
from phonghop.responses import field_str, json_response, path_int, read_json


async def _checked(value: str, kind: ImageKind) -> CheckedPng:
    """Decoded and checked off the event loop and outside the write transaction."""
    png = signer_images.decode_upload(value)
    return await run_in_threadpool(signer_images.check_png, png, kind)


async def get_own_signature(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    image = await services.read(
        lambda s: signer_images.view(signer_images.signature_of(s, actor.user_id)))
    return json_response({"image": image})


async def put_own_signature(request: Request) -> Response:
    """`{"png": "<base64>"}`: a transparent PNG, at most 700 KB."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    data = await read_json(request)
    checked = await _checked(field_str(data, "png"), ImageKind.SIGNATURE)
    image = await services.write(
        lambda s: signer_images.view(signer_images.set_own_signature(s, actor, checked)))
    return json_response({"image": image})


async def delete_own_signature(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    removed = await services.write(lambda s: signer_images.remove_own_signature(s, actor))
    return json_response({"image": None, "removed": removed})


async def get_seal(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    body_id = path_int(request, "body_id")
    image = await services.read(
        lambda s: signer_images.view(signer_images.read_body_seal(s, actor, body_id)))
    return json_response({"image": image})


async def put_seal(request: Request) -> Response:
    """`{"png": "<base64>"}`: a transparent PNG of the real seal, 20 to 60 mm across."""
    services, sessions = parts(request)
    actor = await sessions.require(request)
    body_id = path_int(request, "body_id")
    # Refused before the body is read: only an administrator's upload is looked at.
    await services.read(lambda s: signer_images.read_body_seal(s, actor, body_id))
    data = await read_json(request)
    checked = await _checked(field_str(data, "png"), ImageKind.SEAL)
    image = await services.write(
        lambda s: signer_images.view(signer_images.set_body_seal(s, actor, body_id, checked)))
    return json_response({"image": image})


async def delete_seal(request: Request) -> Response:
    services, sessions = parts(request)
    actor = await sessions.require(request)
    body_id = path_int(request, "body_id")
    removed = await services.write(
        lambda s: signer_images.remove_body_seal(s, actor, body_id))
    return json_response({"image": None, "removed": removed})


routes = [
    Route("/api/me/signature-image", get_own_signature, methods=["GET"]),
    Route("/api/me/signature-image", put_own_signature, methods=["PUT"]),
    Route("/api/me/signature-image", delete_own_signature, methods=["DELETE"]),
    Route("/api/admin/bodies/{body_id:int}/seal-image", get_seal, methods=["GET"]),
    Route("/api/admin/bodies/{body_id:int}/seal-image", put_seal, methods=["PUT"]),
    Route("/api/admin/bodies/{body_id:int}/seal-image", delete_seal, methods=["DELETE"]),
]
