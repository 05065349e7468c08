"""Logging in and out, cookies, and refusals for people who are not logged in."""

from __future__ import annotations

from meetings.demo.seed import DEMO_PASSWORD
from tests.helpers import error_of


def test_login_sets_a_safe_cookie_and_me_answers(login) -> None:
    client = login(None)
    r = client.post("/api/login", json={"username": "thuky", "password": DEMO_PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    me = client.get("/api/me").json()
    assert me["user"]["username"] == "thuky"
    assert [b["name"] for b in me["can_prepare"]] == ["UBND xã Tường Tiến"]


def test_wrong_password_is_401_in_both_languages(login) -> None:
    client = login(None)
    r = client.post("/api/login", json={"username": "thuky", "password": "wrong-password"})
    error_of(r, 401, "bad_credentials")
    r = client.post("/api/login", json={"username": "nobody", "password": "wrong-password"})
    error_of(r, 401, "bad_credentials")


def test_login_needs_json(login) -> None:
    client = login(None)
    error_of(client.post("/api/login", content=b"username=thuky"), 422, "json_required")
    error_of(client.post("/api/login", content=b"{not json", headers={
        "content-type": "application/json"}), 422, "bad_json")
    error_of(client.post("/api/login", json={"username": 5, "password": "x"}), 422, "bad_field")


def test_logout_revokes_the_cookie_even_if_replayed(login) -> None:
    client = login("uyvien1")
    stolen = dict(client.cookies)
    assert client.post("/api/logout").status_code == 200
    error_of(client.get("/api/me"), 401, "unauthenticated")
    replay = login(None)
    replay.cookies.update(stolen)
    error_of(replay.get("/api/me"), 401, "unauthenticated")


def test_forged_cookie_is_refused(login) -> None:
    client = login(None)
    client.cookies.set("phonghop_session", "made-up.signature")
    error_of(client.get("/api/me"), 401, "unauthenticated")


def test_every_api_route_refuses_anonymous_callers(app, login) -> None:
    client = login(None)
    import re

    from starlette.routing import Route

    checked = 0
    for route in app.routes:
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        if route.path in ("/api/login", "/api/logout"):
            continue
        path = route.path.replace("{meeting_id:int}", "1").replace("{item_id:int}", "1")
        for name in ("document_id", "page", "vote_id", "note_id", "user_id"):
            path = path.replace("{" + name + ":int}", "1")
        path = re.sub(r"\{\w+:int\}", "1", path)  # every other id (issue 5)
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            r = client.request(method, path, json={})
            error_of(r, 401, "unauthenticated")
            checked += 1
    assert checked >= 25


def test_admin_creates_accounts_others_may_not(login) -> None:
    admin = login("admin")
    r = admin.post("/api/users", json={"username": "uyvien4", "full_name": "Mai Văn Nam",
                                        "password": "mat-khau-dai"})
    assert r.status_code == 201 and r.json()["user"]["full_name"] == "Mai Văn Nam"
    error_of(admin.post("/api/users", json={"username": "uyvien4", "full_name": "X",
                                             "password": "mat-khau-dai"}), 409, "username_taken")
    error_of(admin.post("/api/users", json={"username": "u5", "full_name": "X",
                                             "password": "short"}), 422, "weak_password")
    member = login("uyvien1")
    error_of(member.post("/api/users", json={"username": "x1", "full_name": "X",
                                              "password": "mat-khau-dai"}), 403, "forbidden")
    login(None).post("/api/login", json={"username": "uyvien4", "password": "mat-khau-dai"})


def test_user_directory_is_for_preparers(login) -> None:
    users = login("thuky").get("/api/users?q=tuan").json()["users"]
    assert [u["username"] for u in users] == ["uyvien1"]  # "tuan" finds "Tuấn"
    error_of(login("uyvien1").get("/api/users"), 403, "forbidden")
    # names only: who administers the server is not a preparer's to read
    everyone = login("thuky").get("/api/users").json()["users"]
    assert "admin" in {u["username"] for u in everyone}
    assert all(set(u) == {"id", "username", "full_name"} for u in everyone)
    assert {u["username"]: u["global_role"]
            for u in login("admin").get("/api/users").json()["users"]}["admin"] == "admin"


def test_unknown_api_path_is_json_404(login) -> None:
    error_of(login(None).get("/api/nothing-here"), 404, "http_404")


def test_an_expired_login_is_refused(login, settings) -> None:  # type: ignore[no-untyped-def]
    """A login whose lifetime has run out is refused like no login at all, even though its
    cookie is genuine and it was never revoked."""
    from datetime import timedelta

    from sqlalchemy import text

    from meetings.db import Database
    from meetings.models import utcnow

    client = login("uyvien1")
    other = login("uyvien2")
    database = Database(settings.db_url)
    with database.write() as session:
        session.execute(text(
            "UPDATE auth_sessions SET expires_at = :t WHERE user_id = "
            "(SELECT id FROM users WHERE username = 'uyvien1')"),
            {"t": utcnow() - timedelta(seconds=1)})
    database.dispose()
    body = error_of(client.get("/api/me"), 401, "unauthenticated")
    assert "hết hạn" in body["message_vi"] and "expired" in body["message_en"]
    assert other.get("/api/me").status_code == 200  # another login is untouched
