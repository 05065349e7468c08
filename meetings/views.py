"""Plain-data views of the tables, as the web app and the protocol show them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from meetings import body_names, roster
from meetings.models import AgendaItem, Body, Document, Meeting, Participant, User, Vote


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def meeting_view(m: Meeting, body: Body | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.id,
        "body_id": m.body_id,
        "title": m.title,
        "place": m.place,
        "starts_at": iso(m.starts_at),
        "status": m.status,
        "started_at": iso(m.started_at),
        "ended_at": iso(m.ended_at),
        "cancelled_at": iso(m.cancelled_at),
        "cancel_reason": m.cancel_reason,
        "kind": m.kind,
        "documents_due_on": m.documents_due_on.isoformat() if m.documents_due_on else None,
        "published_at": iso(m.published_at),
    }
    if body is not None:
        out["body"] = body.name
        out["body_kind"] = body_names.kind_of(body.name, body.kind).value
        out["proxies_allowed"] = body.proxies_allowed
    return out


def presentation_view(m: Meeting) -> dict[str, Any]:
    return {
        "item_id": m.current_item_id,
        "document_id": m.current_document_id,
        "page": m.current_page,
    }


def item_view(item: AgendaItem, documents: list[Document], *, number: str = ""
              ) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": item.position,
        "number": number or str(item.position),
        "parent_id": item.parent_id,
        "title": item.title,
        "presenter": item.presenter,
        "planned_minutes": item.planned_minutes,
        "conclusion": item.conclusion,
        "documents": [document_view(d) for d in documents],
    }


def document_view(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "item_id": d.item_id,
        "title": d.title,
        "filename": d.filename,
        "sha256": d.sha256,
        "size": d.size,
        "page_count": d.page_count,
        "position": d.position,
        "late": d.late,
        "withdrawn_at": iso(d.withdrawn_at),
    }


def participant_view(p: Participant, u: User) -> dict[str, Any]:
    return {
        "user_id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "role": p.role,
        "checked_in": roster.is_present(p.attendance),
        "checked_in_at": iso(p.checked_in_at),
        "attendance": p.attendance,
        "absence_reason": p.absence_reason,
        "proxy_user_id": p.proxy_user_id,
    }


def vote_view(v: Vote, *, cast: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": v.id,
        "item_id": v.item_id,
        "question": v.question,
        "status": v.status,
        "eligible": v.eligible,
        "rule": {
            "basis": v.rule_basis,
            "numerator": v.rule_numerator,
            "denominator": v.rule_denominator,
            "strict": v.rule_strict,
        },
        "opened_at": iso(v.opened_at),
        "closed_at": iso(v.closed_at),
    }
    out |= vote_details(v)
    if cast is not None:
        out["cast"] = cast
    if v.status != "open":
        out["result"] = {"yes": v.yes, "no": v.no, "abstain": v.abstain, "passed": v.passed}
        if v.counts:
            out["counts"] = json.loads(v.counts)
    return out


def vote_details(v: Vote) -> dict[str, Any]:
    """Kind, options, timer, quorum and tie rule of a vote (issue 5)."""
    return {
        "kind": v.kind,
        "options": json.loads(v.options) if v.options else [],
        "min_marks": v.min_marks,
        "max_marks": v.max_marks,
        "tie": v.rule_tie,
        "closes_at": iso(v.closes_at),
        "present": v.present,
        "quorum_required": v.quorum_required,
        "quorum_overridden": v.quorum_overridden,
        "cancel_reason": v.cancel_reason,
    }


def user_view(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "global_role": u.global_role,
    }
