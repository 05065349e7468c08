"""The administrator's work on bodies (cơ quan): name, code (the "BB-UBND" part of minute
numbers), parent body, place, kind, members with their positions and voting flag, default
secretary and chair, vote rule and quorum, the minutes' default recipients, the retention
periods of its records (`meetings.retention`).

The kind fixes the quorum for the two legal kinds (meetings.body_names.LEGAL_QUORUM): a People's
Committee or Council gets two thirds the moment it exists and no one can lower it. Only an
`other` body's quorum is the administrator's, and setting it to zero is refused unless asked
for on purpose (`allow_zero`) — then it is audited as such.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from meetings import body_names, retention
from meetings.accounts import Actor
from meetings.admin import audit
from meetings.admin.users import require_admin
from meetings.body_names import BodyKind
from meetings.errors import conflict, invalid, not_found
from meetings.fields import text_field
from meetings.minutes import wording
from meetings.models import Body, BodyMember, User
from meetings.votes.majority import PRESETS, quorum_required

# Positions offered in the forms; any other title may be typed.
POSITIONS = ("Chủ tịch", "Phó Chủ tịch", "Ủy viên", "Thư ký", "Đại biểu", "Thành viên")


def _body(session: Session, body_id: int) -> Body:
    body = session.get(Body, body_id)
    if body is None:
        raise not_found("cơ quan", "Body")
    return body


def _actor_id(actor: Actor | None) -> int | None:
    if actor is not None:
        require_admin(actor)
        return actor.user_id
    return None


def _kind(value: Any) -> BodyKind:
    kind = body_names.parse_kind(str(value) if value is not None else "")
    if kind is None:
        raise invalid("bad_body_kind",
                      "Loại cơ quan phải là: Ủy ban nhân dân (people_committee), Hội đồng nhân "
                      "dân (people_council) hoặc khác (other).",
                      "The kind must be people_committee, people_council or other.",
                      field="kind")
    return kind


def _code(value: Any) -> str:
    """"BB-UBND" or "UBND": the minutes print "Số: 01/BB-UBND" either way."""
    code = text_field(str(value or ""), "code", 32, required=False)
    code = code[3:] if code.upper().startswith("BB-") else code
    if code and not all(c.isalnum() or c in "-." for c in code):
        raise invalid("bad_code", "Ký hiệu chỉ gồm chữ, số, dấu gạch ngang và dấu chấm "
                      "(ví dụ: BB-UBND).",
                      "The code holds letters, digits, dashes and dots (e.g. BB-UBND).",
                      field="code")
    return code


def fixed_by_law() -> Exception:
    return conflict(
        "quorum_fixed_by_law",
        "Số thành viên tham dự tối thiểu của Ủy ban nhân dân và Hội đồng nhân dân do luật quy "
        "định (ít nhất hai phần ba), không thay đổi được. Muốn tự đặt, chọn loại cơ quan khác.",
        "The quorum of a People's Committee or Council is fixed by law (at least two thirds) "
        "and cannot be changed. To set your own, choose the kind 'other'.")


def _quorum(value: Any) -> tuple[int, int]:
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in value)
            or value[1] <= 0 or value[1] > 1000 or not 0 <= value[0] <= value[1]):
        raise invalid("bad_quorum", "Số lượng tham dự cần là phân số [tử, mẫu] trong [0, 1].",
                      "The quorum must be a fraction [numerator, denominator] in [0, 1].",
                      field="quorum")
    return int(value[0]), int(value[1])


def apply_kind(session: Session, actor_id: int | None, body: Body, kind: BodyKind) -> None:
    """A legal kind brings the law's quorum and its rule for decisions (more than half of
    all members); `other` keeps what the body had."""
    before = body.kind
    body.kind = kind.value
    legal = body_names.legal_quorum(kind)
    if legal is not None:
        preset = PRESETS[kind.value]
        body.quorum_numerator, body.quorum_denominator = legal
        body.rule_basis, body.rule_numerator = preset.rule.basis.value, preset.rule.numerator
        body.rule_denominator, body.rule_strict = preset.rule.denominator, preset.rule.strict
        body.rule_tie, body.proxies_allowed = preset.tie.value, preset.proxies
    if before != body.kind and body.id is not None:
        audit.record(session, actor_id, "body.kind", body.name, before=before, after=body.kind)


def set_quorum(session: Session, actor: Actor | None, body_id: int, value: Any, *,
               allow_zero: bool = False) -> Body:
    actor_id = _actor_id(actor)
    body = _body(session, body_id)
    quorum = _quorum(value)
    check_quorum(body, quorum, allow_zero=allow_zero)
    before = [body.quorum_numerator, body.quorum_denominator]
    if list(quorum) != before:
        body.quorum_numerator, body.quorum_denominator = quorum
        session.add(body)
        audit.record(session, actor_id, "body.quorum", body.name, before=before,
                     after=list(quorum), zero=quorum[0] == 0)
    return body


def check_quorum(body: Body, quorum: tuple[int, int], *, allow_zero: bool = False) -> None:
    """Refuse a quorum the law or common sense does not allow for this body."""
    legal = body_names.legal_quorum(body.kind)
    if legal is not None:
        if quorum[0] * legal[1] != legal[0] * quorum[1]:
            raise fixed_by_law()
        return
    if quorum[0] == 0 and not allow_zero:
        raise invalid(
            "zero_quorum",
            "Số lượng tham dự bằng 0 nghĩa là không cần ai có mặt. Nếu thật sự muốn vậy, hãy "
            "xác nhận (sẽ được ghi vào nhật ký quản trị).",
            "A quorum of zero means nobody need be present. If that is really meant, confirm "
            "it (it is recorded in the audit log).", field="quorum")


def _person(session: Session, user_id: Any, field: str) -> int | None:
    if user_id in (None, ""):
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or session.get(
            User, user_id) is None:
        raise invalid("bad_user", "Không có người dùng này.", "There is no such user.",
                      field=field)
    return user_id


def _apply(session: Session, body: Body, data: dict[str, Any]) -> list[str]:
    """The plain fields of the form; returns the names of those changed."""
    changed: list[str] = []
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = text_field(data["name"], "name", 200)
    for field, limit in (("parent_name", 200), ("place_name", 100), ("signer_title", 200)):
        if field in data:
            values[field] = text_field(data[field], field, limit, required=False)
    if "code" in data:
        values["code"] = _code(data["code"])
    if "recipients" in data:
        lines = data["recipients"]
        if isinstance(lines, str):
            lines = lines.split("\n")
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            raise invalid("bad_recipients", "Nơi nhận là danh sách, mỗi dòng một nơi.",
                          "The recipients are a list, one a line.", field="recipients")
        values["recipients"] = "\n".join(wording.recipients(lines))[:4000]
    for field in ("default_secretary_id", "default_chair_id"):
        if field in data:
            values[field] = _person(session, data[field], field)
    for field, value in values.items():
        if getattr(body, field) != value:
            setattr(body, field, value)
            changed.append(field)
    return changed


def create_body(session: Session, actor: Actor | None, data: dict[str, Any]) -> Body:
    """A new body; its quorum is set from the start (the law's, or at least half)."""
    actor_id = _actor_id(actor)
    if not str(data.get("name") or "").strip():
        text_field("", "name", 200)
    body = Body(name="")
    kind = _kind(data.get("kind", BodyKind.OTHER.value))
    _apply(session, body, data)
    body.quorum_numerator, body.quorum_denominator = body_names.DEFAULT_QUORUM
    apply_kind(session, actor_id, body, kind)
    if data.get("quorum") is not None:
        quorum = _quorum(data["quorum"])
        check_quorum(body, quorum, allow_zero=data.get("allow_zero_quorum") is True)
        body.quorum_numerator, body.quorum_denominator = quorum
    session.add(body)
    session.flush()
    audit.record(session, actor_id, "body.created", body.name, kind=body.kind,
                 quorum=[body.quorum_numerator, body.quorum_denominator])
    return body


def edit_body(session: Session, actor: Actor | None, body_id: int, data: dict[str, Any]
              ) -> Body:
    actor_id = _actor_id(actor)
    body = _body(session, body_id)
    changed = _apply(session, body, data)
    if "kind" in data:
        apply_kind(session, actor_id, body, _kind(data["kind"]))
    if changed:
        audit.record(session, actor_id, "body.edited", body.name, fields=changed)
    session.add(body)
    if data.get("quorum") is not None:
        set_quorum(session, actor, body_id, data["quorum"],
                   allow_zero=data.get("allow_zero_quorum") is True)
    if data.get("rules") is not None:
        if not isinstance(data["rules"], dict) or actor is None:
            raise invalid("bad_rule", "Điều kiện thông qua cần là một đối tượng JSON.",
                          "The passing rule must be a JSON object.", field="rules")
        from meetings.votes.voting import set_body_rules

        # The vote rule (a preset or its parts), audited as `body.rules`; never the quorum
        # here, which has its own field above.
        set_body_rules(session, actor, body_id,
                       {k: v for k, v in data["rules"].items() if k != "quorum"})
    if data.get("retention") is not None:
        retention.set_periods(session, actor, body_id, data["retention"])
    return body


def _membership(session: Session, body_id: int, user_id: int) -> BodyMember | None:
    return session.exec(select(BodyMember).where(BodyMember.body_id == body_id,
                                                 BodyMember.user_id == user_id)).first()


def set_member(session: Session, actor: Actor | None, body_id: int, user_id: int,
               data: dict[str, Any]) -> BodyMember:
    """Add a person to the body, or change their position, voting flag or right to prepare
    meetings."""
    actor_id = _actor_id(actor)
    body = _body(session, body_id)
    user = session.get(User, user_id)
    if user is None:
        raise not_found("người dùng", "User")
    row = _membership(session, body_id, user_id)
    new = row is None
    if row is None:
        row = BodyMember(body_id=body_id, user_id=user_id)
    if "title" in data or new:
        row.title = text_field(data.get("title"), "title", 200, required=False)
    for flag in ("voting", "can_prepare"):
        if flag in data:
            if not isinstance(data[flag], bool):
                raise invalid("bad_flag", f"Trường {flag} phải là true hoặc false.",
                              f"The field {flag} must be true or false.", field=flag)
            setattr(row, flag, data[flag])
    session.add(row)
    session.flush()
    audit.record(session, actor_id, "body.member_added" if new else "body.member_edited",
                 body.name, user=user.username, title=row.title, voting=row.voting,
                 can_prepare=row.can_prepare)
    return row


def remove_member(session: Session, actor: Actor | None, body_id: int, user_id: int) -> None:
    actor_id = _actor_id(actor)
    body = _body(session, body_id)
    row = _membership(session, body_id, user_id)
    if row is None:
        raise not_found("thành viên của cơ quan", "Member of the body")
    user = session.get(User, user_id)
    session.delete(row)
    for field in ("default_secretary_id", "default_chair_id"):
        if getattr(body, field) == user_id:
            setattr(body, field, None)
    session.add(body)
    audit.record(session, actor_id, "body.member_removed", body.name,
                 user=user.username if user else user_id)


def quorum_text(body: Body, lang: str = "vi") -> str:
    """"ít nhất 2/3 số thành viên (theo luật)" — how the quorum reads on the screens."""
    n, d = body.quorum_numerator, body.quorum_denominator
    legal = body_names.legal_quorum(body.kind) is not None
    if n == 0:
        return "không yêu cầu" if lang == "vi" else "none required"
    if lang == "en":
        return f"at least {n}/{d} of members" + (" (fixed by law)" if legal else "")
    return f"ít nhất {n}/{d} số thành viên" + (" (theo luật định)" if legal else "")


def body_admin_view(session: Session, body: Body, *, members: bool = True) -> dict[str, Any]:
    from meetings.votes.voting import body_rules_view

    out: dict[str, Any] = {
        "id": body.id, "name": body.name, "code": body.code, "parent_name": body.parent_name,
        "place_name": body.place_name, "kind": body.kind, "signer_title": body.signer_title,
        "default_secretary_id": body.default_secretary_id,
        "default_chair_id": body.default_chair_id,
        "recipients": list(wording.recipients(body.recipients.split("\n")))
        if body.recipients.strip() else [],
        "default_recipients": list(body_names.default_recipients(body.name, body.kind)),
        "quorum": [body.quorum_numerator, body.quorum_denominator],
        "quorum_fixed_by_law": body_names.legal_quorum(body.kind) is not None,
        "quorum_text_vi": quorum_text(body, "vi"), "quorum_text_en": quorum_text(body, "en"),
        "rules": body_rules_view(body),
        "has_signing_key": bool(body.signing_p12_path),
    }
    if members and body.id is not None:
        out["retention"] = retention.periods_view(session, body.id)
    if members:
        rows = session.exec(
            select(BodyMember, User).join(User, col(User.id) == col(BodyMember.user_id))
            .where(BodyMember.body_id == body.id).order_by(col(BodyMember.id))).all()
        out["members"] = [
            {"user_id": u.id, "username": u.username, "full_name": u.full_name,
             "title": m.title, "voting": m.voting, "can_prepare": m.can_prepare,
             "active": u.active} for m, u in rows]
        voting = sum(1 for m, u in rows if m.voting and u.active)
        out["voting_members"] = voting
        out["quorum_required"] = quorum_required(voting, body.quorum_numerator,
                                                 body.quorum_denominator)
    return out


def list_bodies(session: Session, actor: Actor) -> list[dict[str, Any]]:
    require_admin(actor)
    return [body_admin_view(session, b, members=False)
            for b in session.exec(select(Body).order_by(col(Body.name)))]


def get_body(session: Session, actor: Actor, body_id: int) -> dict[str, Any]:
    require_admin(actor)
    return body_admin_view(session, _body(session, body_id))


def find_body(session: Session, name_or_id: str) -> Body:
    """The body a command line names: its id, its code or its name."""
    if name_or_id.isdigit():
        body = session.get(Body, int(name_or_id)) if len(name_or_id) <= 9 else None
    else:
        code = name_or_id[3:] if name_or_id.upper().startswith("BB-") else name_or_id
        body = session.exec(select(Body).where(
            (col(Body.name) == name_or_id) | (col(Body.code) == code))).first()
    if body is None:
        raise not_found("cơ quan", "Body")
    return body
