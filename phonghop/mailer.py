"""The mailer: drains the invitations' outbox (`meetings.invitations.outbox`) over SMTP, as
the PHONGHOP_SMTP_* settings say (STARTTLS, implicit TLS or none; a login when set).

SMTP is spoken in a worker thread, never on the event loop, and with no database transaction
open: letters are claimed in one short write, composed in a read, sent, and their outcomes
recorded in another short write. Each letter's failure is kept with its cause for the
secretary, who can send it again. A pass runs when a route queues letters (`kick`) and every
`SWEEP_SECONDS` (letters queued by another process, or claimed by one that died).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import smtplib
import ssl
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from meetings.errors import conflict
from meetings.invitations import outbox
from meetings.invitations.outbox import Outcome, Outgoing

if TYPE_CHECKING:
    from phonghop.services import Services
    from phonghop.settings import Settings

log = logging.getLogger("phonghop.mailer")

TLS_MODES = {"starttls": 587, "tls": 465, "none": 25}  # mode -> its usual port
SWEEP_SECONDS = 30.0
BATCH = 50  # letters per SMTP connection


def describe(exc: BaseException) -> str:
    """A failure as "kind: detail"; the kind is what the secretary's panel translates."""
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        kind = "tls"
    elif isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
        kind = "tls"
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        kind = "login"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        kind = "recipient"
    elif isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        kind = "connect"
    elif isinstance(exc, smtplib.SMTPException):
        kind = "server"
    else:  # OSError: refused, unreachable, timed out, unknown host
        kind = "connect"
    return f"{kind}: {_detail(exc)}"[:500]


def _detail(exc: BaseException) -> str:
    """What the server said ("550 5.1.1 No such user here"), else the error's own text."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
        return f"{code} {text.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error
        if isinstance(said, bytes):
            said = said.decode(errors="replace")
        return f"{exc.smtp_code} {said}"
    return str(exc) or type(exc).__name__


class Mailer:
    def __init__(self, services: Services) -> None:
        settings = services.settings
        if settings.smtp_tls not in TLS_MODES:
            raise ValueError(f"PHONGHOP_SMTP_TLS must be one of {', '.join(TLS_MODES)}, "
                             f"not {settings.smtp_tls!r}")
        self.services = services
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    @property
    def sender(self) -> str:
        s = self.settings
        if s.smtp_sender:
            return s.smtp_sender
        return s.smtp_username if "@" in s.smtp_username else "phonghop@localhost"

    def require_configured(self) -> None:
        if not self.configured:
            raise conflict(
                "mail_not_configured",
                "Máy chủ chưa được cấu hình để gửi thư điện tử (SMTP). Vui lòng liên hệ quản trị "
                "hệ thống.",
                "No mail (SMTP) server is configured. Ask the administrator.",
            )

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = self.services.tasks.spawn(self._run(), "mailer")

    async def close(self, grace: float = 5.0) -> None:
        """Stop after the step in hand. A pass is not cancelled while a database call of its
        own runs in a thread (the pool is disposed next, and the thread would keep its
        connection); only a pass still waiting on a slow mail server after `grace` seconds
        is, which holds no connection (its letters are claimed again later)."""
        self._stopping = True
        if self._wake is not None:
            self._wake.set()
        task = self._task
        if task is None or task.done():
            return
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def kick(self) -> None:
        """Letters were queued: send them now rather than at the next sweep."""
        if self._wake is not None:
            self._wake.set()

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            self._wake.clear()
            try:
                await self.deliver()
            except Exception:
                log.exception("mailer pass failed; letters stay queued")
            if self._stopping:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SWEEP_SECONDS)

    async def deliver(self) -> int:
        """Send every letter waiting in the outbox; the number of letters tried."""
        services, tried = self.services, 0
        sender, base_url = self.sender, self.settings.app_url
        while not self._stopping:
            ids = await services.write(lambda s: outbox.claim(s, BATCH))
            if not ids:
                return tried
            letters = await services.read(functools.partial(
                outbox.compose_claimed, invitation_ids=ids, sender=sender, base_url=base_url))
            outcomes = await run_in_threadpool(self.send, letters)
            events = await services.write(functools.partial(outbox.record_outcomes,
                                                            outcomes=outcomes))
            await services.publish(events)
            tried += len(outcomes)
        return tried

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.smtp_ca_file:
            context.load_verify_locations(s.smtp_ca_file)
        port = s.smtp_port or TLS_MODES[s.smtp_tls]
        smtp: smtplib.SMTP
        if s.smtp_tls == "tls":
            smtp = smtplib.SMTP_SSL(s.smtp_host, port, timeout=s.smtp_timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, port, timeout=s.smtp_timeout)
        try:
            smtp.ehlo()
            if s.smtp_tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, letters: list[Outgoing]) -> list[Outcome]:
        """In a worker thread: one connection, every letter, each letter's outcome."""
        if not letters:
            return []
        if not self.configured:
            return [Outcome(x.invitation_id, x.sequence, "config: PHONGHOP_SMTP_HOST is not set")
                    for x in letters]
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail server %s: %s", self.settings.smtp_host, exc)
            error = describe(exc)
            return [Outcome(x.invitation_id, x.sequence, error) for x in letters]
        outcomes = []
        try:
            for letter in letters:
                try:
                    smtp.send_message(letter.message, from_addr=self.sender,
                                      to_addrs=[letter.recipient])
                    outcomes.append(Outcome(letter.invitation_id, letter.sequence, None))
                except (OSError, smtplib.SMTPException) as exc:
                    log.warning("letter to %s: %s", letter.recipient, exc)
                    outcomes.append(Outcome(letter.invitation_id, letter.sequence,
                                            describe(exc)))
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        return outcomes
