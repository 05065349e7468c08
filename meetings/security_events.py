"""Security events: logins throttled, throttles cleared by staff. Each is logged under the
logger "phonghop.audit" and, given the caller's write session, written to the audit log
(`meetings.admin.audit`: `login.throttled`, `login.unlocked`), so an administrator sees them in
the audit view beside logins and role changes."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlmodel import Session

from meetings.admin import audit

log = logging.getLogger("phonghop.audit")
ACTIONS = {"login_throttled": "login.throttled", "login_unlocked": "login.unlocked"}


def record(session: Session | None, actor_id: int | None, action: str, target: str,
           details: dict[str, Any] | None = None) -> None:
    """Note that `actor_id` (None: someone not logged in) did `action` to `target`."""
    log.warning("%s actor=%s target=%s %s", action, actor_id if actor_id is not None else "-",
                target, json.dumps(details or {}, ensure_ascii=False, sort_keys=True))
    if session is not None:
        audit.record(session, actor_id, ACTIONS[action], target, **(details or {}))
