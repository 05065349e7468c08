"""The administrator's API (docs/api.md, "Administration"): users, bodies with their members,
kind and quorum, signing keys, and the audit log. Others are refused; bad input is a 4xx
with a message in both languages; the law's quorum for People's Committees and Councils
cannot be changed; every change leaves an audit entry."""

from __future__ import annotations

import asyncio
import base64

from meetings.demo.seed import DEMO_PASSWORD
from meetings.minutes.pki import create_ca, issue_signer
from realtime.protocol import Close
from tests.conftest import LiveServer
from tests.helpers import error_of
from tests.wsclient import Tablet, cookie_for


def audit(admin, **params):  # type: ignore[no-untyped-def]
    r = admin.get("/api/admin/audit", params=params)
    assert r.status_code == 200, r.text
    return r.json()["entries"]


async def _presence(tablet: Tablet, since: int, online: int, offline: int) -> int:
    """Wait for a presence frame (after the `since`-th control) listing `online` and not
    `offline`; returns how many controls there were then."""
    while True:
        for index, c in enumerate(tablet.controls[since:], since):
            listed = _online(c.get("data")) if c.get("type") == "presence" else set()
            if online in listed and offline not in listed:
                return index + 1
        await asyncio.sleep(0.05)


def _online(data: object) -> set[int]:
    """The user ids a presence frame lists as online, whatever its exact shape."""
    found: set[int] = set()
    if isinstance(data, dict):
        if isinstance(data.get("user_id"), int):
            found.add(data["user_id"])
        for value in data.values():
            found |= _online(value)
    elif isinstance(data, list):
        for value in data:
            found |= _online(value)
    return found


def test_only_administrators_reach_the_admin_api(login) -> None:
    anonymous = login(None)
    error_of(anonymous.get("/api/admin/users"), 401, "unauthenticated")
    for username in ("thuky", "chutich", "luutru"):
        client = login(username)
        for method, path in (("GET", "/api/admin/users"), ("GET", "/api/admin/bodies"),
                             ("GET", "/api/admin/audit"), ("POST", "/api/admin/bodies"),
                             ("POST", "/api/admin/users/2/deactivate")):
            r = client.request(method, path, json={} if method == "POST" else None)
            error_of(r, 403, "admin_only")
    assert login("admin").get("/api/admin/users").status_code == 200


def test_users_created_edited_searched_and_bad_input_refused(login) -> None:
    admin = login("admin")
    r = admin.post("/api/admin/users", json={
        "username": "uyvien4", "full_name": "Đinh Văn Khoa", "password": "mat-khau-moi-1",
        "title": "Ủy viên UBND xã", "email": "khoa@tuongtien.gov.vn", "phone": "0912 345 678"})
    assert r.status_code == 201, r.text
    user = r.json()["user"]
    assert (user["title"], user["email"], user["active"]) == (
        "Ủy viên UBND xã", "khoa@tuongtien.gov.vn", True)
    found = admin.get("/api/admin/users", params={"q": "dinh khoa"}).json()["users"]
    assert [u["username"] for u in found] == ["uyvien4"]
    error_of(admin.post("/api/admin/users", json={"username": "uyvien4",
                                                   "password": "mat-khau-moi-1"}),
             409, "username_taken")
    error_of(admin.post("/api/admin/users", json={"username": "x1", "password": "short"}),
             422, "weak_password")
    error_of(admin.patch(f"/api/admin/users/{user['id']}", json={"email": "not an address"}),
             422, "bad_email")
    error_of(admin.patch(f"/api/admin/users/{user['id']}", json={"global_role": "king"}),
             422, "bad_role")
    error_of(admin.patch("/api/admin/users/999999", json={"title": "x"}), 404, "not_found")
    error_of(admin.post("/api/admin/users", content=b"[", headers={
        "content-type": "application/json"}), 422, "bad_json")
    r = admin.patch(f"/api/admin/users/{user['id']}",
                    json={"title": "Phó Chủ tịch UBND xã", "global_role": "archivist"})
    assert r.status_code == 200 and r.json()["user"]["global_role"] == "archivist"
    me = admin.get("/api/me").json()["user"]
    error_of(admin.patch(f"/api/admin/users/{me['id']}", json={"global_role": None}),
             409, "own_account")
    actions = [e["action"] for e in audit(admin, action="user")]
    assert actions[:3] == ["user.role", "user.edited", "user.created"]
    role = audit(admin, action="user.role")[0]
    assert role["details"] == {"before": None, "after": "archivist"}
    assert role["actor"]["username"] == "admin" and role["target"] == "uyvien4"


def test_logins_ok_and_failed_are_in_the_audit_log(login) -> None:
    client = login(None)
    error_of(client.post("/api/login", json={"username": "chutich", "password": "sai-roi-1"}),
             401, "bad_credentials")
    login("chutich")
    admin = login("admin")
    failed = audit(admin, action="login.failed")
    assert [e["target"] for e in failed] == ["chutich"] and failed[0]["actor_id"] is None
    ok = audit(admin, action="login.ok")
    assert {e["target"] for e in ok} >= {"chutich", "admin"}
    chair_id = next(e["actor_id"] for e in ok if e["target"] == "chutich")
    assert {e["target"] for e in audit(admin, actor=str(chair_id))} == {"chutich"}
    # date filters: nothing before today, everything up to today
    assert audit(admin, until="2000-01-01") == []
    assert len(audit(admin, since="2000-01-01")) >= 3
    error_of(admin.get("/api/admin/audit", params={"since": "yesterday"}), 422, "bad_time")
    error_of(admin.get("/api/admin/audit", params={"action": "nonsense"}), 422, "bad_action")
    error_of(admin.get("/api/admin/audit", params={"actor": "99999999999"}), 422, "bad_field")


def test_legal_quorum_cannot_be_changed_other_bodies_can(login, demo) -> None:
    admin = login("admin")
    body = admin.get(f"/api/admin/bodies/{demo.body_id}").json()["body"]
    assert (body["kind"], body["quorum"], body["quorum_fixed_by_law"]) == (
        "people_committee", [2, 3], True)
    assert body["quorum_text_vi"] == "ít nhất 2/3 số thành viên (theo luật định)"
    refused = error_of(admin.patch(f"/api/admin/bodies/{demo.body_id}",
                                   json={"quorum": [1, 2]}), 409, "quorum_fixed_by_law")
    assert "luật" in refused["message_vi"] and "law" in refused["message_en"]
    # nor through the secretary's vote-rule route, nor with a preset
    error_of(login("thuky").put("/api/vote-rules", json={"body_id": demo.body_id,
                                                          "quorum": [0, 1]}),
             409, "quorum_fixed_by_law")
    assert admin.get(f"/api/admin/bodies/{demo.body_id}").json()["body"]["quorum"] == [2, 3]

    r = admin.post("/api/admin/bodies", json={"name": "Hội đồng trường Đại học Hưng Yên",
                                              "code": "BB-HĐT", "kind": "other"})
    assert r.status_code == 201, r.text
    other = r.json()["body"]
    assert other["quorum"] == [1, 2] and other["code"] == "HĐT"  # a quorum from the start
    error_of(admin.patch(f"/api/admin/bodies/{other['id']}", json={"quorum": [0, 1]}),
             422, "zero_quorum")
    r = admin.patch(f"/api/admin/bodies/{other['id']}", json={"quorum": [3, 4]})
    assert r.status_code == 200 and r.json()["body"]["quorum"] == [3, 4]
    r = admin.patch(f"/api/admin/bodies/{other['id']}",
                    json={"quorum": [0, 1], "allow_zero_quorum": True})
    assert r.status_code == 200 and r.json()["body"]["quorum"] == [0, 1]
    # the vote-rule route too: zero only from an administrator who says so
    error_of(admin.put("/api/vote-rules", json={"body_id": other["id"], "quorum": [0, 1]}),
             422, "zero_quorum")
    r = admin.patch(f"/api/admin/bodies/{other['id']}", json={"rules": {"preset": "company_board"}})
    assert r.status_code == 200 and r.json()["body"]["rules"]["rule"]["basis"] == "present"
    assert audit(admin, action="body.rules")[0]["target"] == "Hội đồng trường Đại học Hưng Yên"
    error_of(admin.patch(f"/api/admin/bodies/{other['id']}", json={"rules": "fast"}), 422,
             "bad_rule")
    r = admin.patch(f"/api/admin/bodies/{other['id']}", json={"quorum": [3, 4]})
    changes = audit(admin, action="body.quorum")
    assert [c["details"]["after"] for c in changes] == [[0, 1], [3, 4]]
    assert changes[0]["details"]["zero"] is True
    # a People's Council made later gets the law's quorum whatever it asked for
    error_of(admin.post("/api/admin/bodies", json={"name": "HĐND xã Tường Tiến",
                                                   "kind": "people_council",
                                                   "quorum": [1, 2]}),
             409, "quorum_fixed_by_law")
    council = admin.post("/api/admin/bodies", json={"name": "HĐND xã Tường Tiến",
                                                    "kind": "people_council"}).json()["body"]
    assert council["quorum"] == [2, 3] and council["quorum_fixed_by_law"]
    for bad, code in (({"name": ""}, "missing_field"), ({"name": "X", "kind": "club"},
                                                        "bad_body_kind"),
                      ({"name": "X", "quorum": [3, 2]}, "bad_quorum"),
                      ({"name": "X", "code": "BB UB/ND"}, "bad_code")):
        error_of(admin.post("/api/admin/bodies", json=bad), 422, code)


def test_members_positions_recipients_and_key(login, demo) -> None:
    admin = login("admin")
    r = admin.post("/api/admin/bodies", json={
        "name": "Ban Quản lý dự án xã", "kind": "other", "parent_name": "UBND xã Tường Tiến",
        "recipients": ["Thường trực Đảng ủy xã", "Các thành viên Ban", "Lưu: VT"]})
    assert r.status_code == 201, r.text
    body = r.json()["body"]
    assert body["recipients"] == ["Thường trực Đảng ủy xã", "Các thành viên Ban"]
    users = {u["username"]: u["id"] for u in admin.get("/api/admin/users").json()["users"]}
    r = admin.put(f"/api/admin/bodies/{body['id']}/members/{users['chutich']}",
                  json={"title": "Trưởng ban", "voting": True})
    assert r.status_code == 200, r.text
    r = admin.put(f"/api/admin/bodies/{body['id']}/members/{users['thuky']}",
                  json={"title": "Thư ký", "voting": False, "can_prepare": True})
    members = r.json()["body"]["members"]
    assert [(m["username"], m["title"], m["voting"]) for m in members] == [
        ("chutich", "Trưởng ban", True), ("thuky", "Thư ký", False)]
    assert r.json()["body"]["quorum_required"] == 1
    error_of(admin.put(f"/api/admin/bodies/{body['id']}/members/{users['thuky']}",
                       json={"voting": "yes"}), 422, "bad_flag")
    error_of(admin.put(f"/api/admin/bodies/{body['id']}/members/999999", json={}), 404)
    r = admin.patch(f"/api/admin/bodies/{body['id']}", json={
        "default_chair_id": users["chutich"], "default_secretary_id": users["thuky"]})
    assert r.json()["body"]["default_chair_id"] == users["chutich"]
    r = admin.delete(f"/api/admin/bodies/{body['id']}/members/{users['chutich']}")
    assert r.status_code == 200 and r.json()["body"]["default_chair_id"] is None
    # a key: generated by the installation's CA, or a PKCS#12 the body already holds
    error_of(admin.post(f"/api/admin/bodies/{body['id']}/key", json={"pkcs12": "%%%"}),
             422, "bad_pkcs12")
    ca_key, ca_cert = create_ca("Test CA", "Test")
    p12 = issue_signer(ca_key, ca_cert, common_name="Ban Quản lý dự án xã",
                       organization="UBND xã Tường Tiến", passphrase=b"pass-phrase")
    error_of(admin.post(f"/api/admin/bodies/{body['id']}/key", json={
        "pkcs12": base64.b64encode(p12).decode(), "passphrase": "wrong"}), 422, "bad_pkcs12")
    r = admin.post(f"/api/admin/bodies/{body['id']}/key", json={
        "pkcs12": base64.b64encode(p12).decode(), "passphrase": "pass-phrase"})
    assert r.status_code == 200 and "Ban Quản lý dự án xã" in r.json()["key"]["signer"]
    r = admin.post(f"/api/admin/bodies/{body['id']}/key", json={"generate": True})
    assert r.status_code == 200
    assert admin.get(f"/api/admin/bodies/{body['id']}").json()["body"]["has_signing_key"]
    keys = [e["action"] for e in audit(admin, action="body")]
    assert keys[:2] == ["body.key_generated", "body.key_installed"]
    assert "body.member_removed" in keys and "body.member_added" in keys


def test_recipients_and_kind_reach_the_minutes(login, demo) -> None:
    admin = login("admin")
    r = admin.patch(f"/api/admin/bodies/{demo.body_id}",
                    json={"recipients": ["Thường trực HĐND xã", "Các thành viên UBND xã"]})
    assert r.status_code == 200, r.text
    minutes = login("thuky").get("/api/meetings/1/minutes").json()
    assert minutes["recipients"][:2] == ["Thường trực HĐND xã", "Các thành viên UBND xã"]


async def test_deactivating_a_member_ends_their_open_tablet_at_once(
        live_server: LiveServer) -> None:
    admin = live_server.session("admin")
    sec = live_server.session("thuky")
    member = live_server.session("uyvien1")
    try:
        assert sec.post("/api/meetings/1/start").status_code == 200
        who = {p["username"]: p["user_id"]
               for p in sec.get("/api/meetings/1").json()["participants"]}
        tablet = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien1"), 1)
        await tablet.connect()
        staff = Tablet(live_server.ws_url, await cookie_for(live_server.url, "thuky"), 1)
        await staff.connect()
        seen = await asyncio.wait_for(_presence(staff, 0, who["uyvien1"], -1), 10)
        r = admin.post(f"/api/admin/users/{who['uyvien1']}/deactivate")
        assert r.status_code == 200 and r.json()["logins_ended"] >= 2, r.text
        await asyncio.wait_for(tablet.closed.wait(), 10)
        assert tablet.close_code == Close.UNAUTHENTICATED
        # their cookie is worth nothing now, and they cannot log in again
        error_of(member.get("/api/meetings/1"), 401, "unauthenticated")
        error_of(member.post("/api/login", json={"username": "uyvien1",
                                                 "password": "phonghop2026"}),
                 401, "bad_credentials")
        # the secretary's console sees them leave the room's presence list
        await asyncio.wait_for(_presence(staff, seen, who["thuky"], who["uyvien1"]), 10)
        entry = admin.get("/api/admin/audit", params={"action": "user.deactivated"}).json()
        assert entry["entries"][0]["target"] == "uyvien1"
        await staff.close()
    finally:
        for client in (admin, sec, member):
            client.close()


def test_a_role_change_in_a_meeting_is_in_the_audit_log(login) -> None:
    sec = login("thuky")
    who = {p["username"]: p["user_id"] for p in sec.get("/api/meetings/1").json()["participants"]}
    r = sec.post("/api/meetings/1/participants", json={"user_id": who["uyvien2"], "role": "guest"})
    assert r.status_code == 201, r.text
    entries = audit(login("admin"), action="meeting")
    assert [(e["action"], e["details"]["before"], e["details"]["after"], e["actor"]["username"])
            for e in entries] == [("meeting.role", "member", "guest", "thuky")]


def test_a_password_reset_shuts_out_the_old_password_and_every_login(login) -> None:  # type: ignore[no-untyped-def]
    """The administrator gives a member a new password (chosen, or made by the server and
    shown once): the old password no longer logs in, every open login of theirs ends, the new
    one works; a member cannot reset anyone's; a short one is refused. Reactivating a
    deactivated member lets them log in again."""
    admin = login("admin")
    member = login("uyvien2")
    other_tablet = login("uyvien2")
    who = {u["username"]: u["id"] for u in admin.get("/api/admin/users").json()["users"]}
    error_of(login("uyvien1").post(f"/api/admin/users/{who['uyvien2']}/password",
                                   json={"password": "chiem-quyen-2026"}), 403)
    error_of(admin.post(f"/api/admin/users/{who['uyvien2']}/password",
                        json={"password": "ngan"}), 422, "weak_password")
    assert member.get("/api/me").status_code == 200  # a refused reset changes nothing
    r = admin.post(f"/api/admin/users/{who['uyvien2']}/password",
                   json={"password": "mat-khau-moi-2026"})
    assert r.status_code == 200 and r.json()["logins_ended"] == 2 and "password" not in r.json()
    for client in (member, other_tablet):
        error_of(client.get("/api/me"), 401, "unauthenticated")
    fresh = login(None)
    error_of(fresh.post("/api/login", json={"username": "uyvien2", "password": DEMO_PASSWORD}),
             401, "bad_credentials")
    assert fresh.post("/api/login", json={"username": "uyvien2",
                                          "password": "mat-khau-moi-2026"}).status_code == 200
    # no password given: the server makes one, shown this once, and it works
    r = admin.post(f"/api/admin/users/{who['uyvien2']}/password", json={})
    made = r.json()["password"]
    assert r.status_code == 200 and len(made) >= 8 and r.json()["logins_ended"] == 1
    error_of(fresh.get("/api/me"), 401, "unauthenticated")
    assert login(None).post("/api/login", json={"username": "uyvien2",
                                                 "password": made}).status_code == 200
    assert [e["target"] for e in audit(admin, action="user.password_reset")] == ["uyvien2"] * 2
    # deactivated, then reactivated: they log in again with their password
    assert admin.post(f"/api/admin/users/{who['uyvien3']}/deactivate").status_code == 200
    error_of(login(None).post("/api/login", json={"username": "uyvien3",
                                                  "password": DEMO_PASSWORD}),
             401, "bad_credentials")
    r = admin.post(f"/api/admin/users/{who['uyvien3']}/reactivate")
    assert r.status_code == 200 and r.json()["user"]["active"] is True
    assert login("uyvien3").get("/api/me").json()["user"]["username"] == "uyvien3"
    assert audit(admin, action="user.reactivated")[0]["target"] == "uyvien3"


def test_who_may_wipe_a_members_devices(login) -> None:  # type: ignore[no-untyped-def]
    """The administrator, and the secretary or chair of a meeting the person is in; not
    another member. The person's logins end; they log in again with their password."""
    who = {u["username"]: u["id"] for u in login("admin").get("/api/admin/users").json()["users"]}
    member = login("uyvien1")
    # anyone else: as for a person who does not exist
    error_of(login("uyvien2").post(f"/api/users/{who['uyvien1']}/wipe-devices"), 404,
             "not_found")
    assert member.get("/api/me").status_code == 200
    r = login("thuky").post(f"/api/users/{who['uyvien1']}/wipe-devices")
    assert r.status_code == 200 and r.json()["logins_ended"] >= 1, r.text
    error_of(member.get("/api/me"), 401, "unauthenticated")
    assert login("uyvien1").get("/api/me").status_code == 200  # the password still works
    r = login("admin").post(f"/api/users/{who['uyvien2']}/wipe-devices")
    assert r.status_code == 200, r.text
    error_of(login("admin").post("/api/users/999999/wipe-devices"), 404)
    assert [(e["target"], e["actor"]["username"])
            for e in audit(login("admin"), action="user.devices_wiped")] == [
        ("uyvien2", "admin"), ("uyvien1", "thuky")]
