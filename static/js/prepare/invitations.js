// The preparation page's invitation panels: the invitation (each participant's address,
// what was sent and what came of it, their answer), the exclusions from agenda items, and
// cancelling the meeting. Mounted below the page's own panels (pages/prepare.js).

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post, put } from '../api.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n.js';
import { roleLabel } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Notice } from '../ui/feedback.js';
import { Exclusions } from './exclusions.js';

function Delivery({ person, onResend, canSend }) {
  const state = person.delivery || 'none';
  const cls = state === 'sent' ? 'badge badge-ok' : state === 'failed' ? 'badge badge-warn' : 'badge';
  return html`<div class="delivery" data-testid=${`delivery-${person.username}`} data-state=${state}>
    <span class=${cls}>${t(`invite.delivery.${state}`)}</span>
    ${person.letter && state !== 'none' && html`<span class="muted small"> · ${t(`invite.letter.${person.letter}`)}</span>`}
    ${state === 'sent' && person.sent_at && html`<span class="muted small"> · ${formatDateTime(person.sent_at)}</span>`}
    ${state === 'failed' && html`<p class="small delivery-error" data-testid=${`delivery-error-${person.username}`}>
      ${t(`invite.error.${person.error || 'server'}`)}
      ${person.error_detail && html`<span class="muted mono"> (${person.error_detail})</span>`}</p>`}
    ${state === 'failed' && canSend && html`<button type="button" class="btn btn-small"
      data-testid=${`resend-${person.username}`} onClick=${onResend}>${t('invite.resend')}</button>`}
  </div>`;
}

function Answer({ person }) {
  const reply = person.reply || 'none';
  return html`<div data-testid=${`reply-${person.username}`} data-reply=${person.reply}>
    <span class=${`badge reply-${reply}`}>${t(`invite.reply.${reply}`)}</span>
    ${person.reply_reason && html`<p class="small">${t('invite.reason_line', { reason: person.reply_reason })}</p>`}
  </div>`;
}

function EmailField({ meetingId, person, editable, onSaved }) {
  const [value, setValue] = useState(person.email || '');
  const [error, setError] = useState(null);
  useEffect(() => setValue(person.email || ''), [person.email]);
  const dirty = value.trim() !== (person.email || '');
  async function save(event) {
    event.preventDefault();
    setError(null);
    try {
      await put(`/api/meetings/${meetingId}/invitations/${person.user_id}`, { email: value.trim() });
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  return html`<form class="email-field" onSubmit=${save}>
    <input type="email" value=${value} disabled=${!editable} placeholder="ten@coquan.gov.vn"
      aria-label=${t('invite.email_for', { name: person.full_name })}
      data-testid=${`email-${person.username}`} onInput=${(e) => setValue(e.target.value)} />
    ${editable && dirty && html`<button class="btn btn-small" type="submit"
      data-testid=${`email-save-${person.username}`}>${t('invite.save_email')}</button>`}
    <${ErrorBox} error=${error} testid=${`email-error-${person.username}`} />
  </form>`;
}

function Invitation({ meetingId, status, changed }) {
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = () => get(`/api/meetings/${meetingId}/invitations`).then(setView, setError);
  useEffect(() => { load(); }, [meetingId, changed, status]);
  if (!view) return html`<section class="card"><${ErrorBox} error=${error} /></section>`;

  const draft = view.status === 'draft';
  const canSend = draft && view.mail_configured;
  async function send(userIds) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const r = await post(`/api/meetings/${meetingId}/invitations/send`,
        userIds ? { user_ids: userIds } : {});
      setMessage([t('invite.queued', { n: r.queued }),
        r.without_address.length ? t('invite.without_address', { names: r.without_address.join(', ') }) : '',
      ].filter(Boolean).join(' '));
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const counts = { ...view.replies, none: view.replies[''] };

  return html`
    <section class="card invitations" data-testid="invitations">
      <h2>${t('invite.title')}</h2>
      <p data-testid="invitation-state">${view.sent_at ? t('invite.sent_at', { when: formatDateTime(view.sent_at) }) : t('invite.not_sent')}
        ${view.sequence ? html` ${t('invite.updates', { n: view.sequence })}` : ''}</p>
      ${!view.mail_configured && html`<${Notice} kind="warn" testid="no-mail">${t('invite.no_mail')}</${Notice}>`}
      <p class="muted small">${t('invite.send_hint')}</p>
      <p data-testid="replies-summary"><strong>${t('invite.replies_summary', counts)}</strong></p>
      <div class="table-wrap"><table class="table invitation-table">
        <thead><tr><th>${t('invite.col_person')}</th><th>${t('invite.col_email')}</th>
          <th>${t('invite.col_delivery')}</th><th>${t('invite.col_reply')}</th></tr></thead>
        <tbody>${view.people.map((p) => html`
          <tr key=${p.user_id} data-testid=${`invitee-${p.username}`}>
            <td><strong>${p.full_name}</strong><br /><span class="muted small">${roleLabel(p.role)}</span></td>
            <td><${EmailField} meetingId=${meetingId} person=${p} editable=${draft} onSaved=${load} /></td>
            <td><${Delivery} person=${p} canSend=${canSend} onResend=${() => send([p.user_id])} /></td>
            <td><${Answer} person=${p} /></td>
          </tr>`)}</tbody>
      </table></div>
      ${draft && html`<div class="row sticky-row">
        <button type="button" class="btn btn-primary" disabled=${busy || !canSend}
          data-testid="send-invitations" onClick=${() => send(null)}>${t('invite.send')}</button>
        ${message && html`<span class="ok-text small" data-testid="send-message">${message}</span>`}
      </div>`}
      <${ErrorBox} error=${error} testid="invitations-error" />
    </section>`;
}

function CancelMeeting({ meeting, reload }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (meeting.status === 'cancelled') {
    return html`<${Notice} kind="warn" testid="cancelled-notice">${t('cancel.done', { reason: meeting.cancel_reason })}</${Notice}>`;
  }
  if (meeting.status !== 'draft') return null;
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/meetings/${meeting.id}/cancel`, { reason: reason.trim() });
      setOpen(false);
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`
    <section class="card" data-testid="cancel-meeting">
      <h2>${t('cancel.title')}</h2>
      <p class="muted small">${t('cancel.hint')}</p>
      <label class="field"><span>${t('cancel.reason')}</span>
        <input value=${reason} maxlength="300" onInput=${(e) => setReason(e.target.value)}
          data-testid="cancel-reason" /></label>
      <button type="button" class="btn btn-danger" data-testid="cancel-open"
        onClick=${() => setOpen(true)}>${t('cancel.button')}</button>
      <${ErrorBox} error=${!open ? error : null} testid="cancel-error" />
      ${open && html`<${ConfirmDialog} title=${t('cancel.confirm')} confirmLabel=${t('cancel.confirm')}
        danger busy=${busy} onConfirm=${confirm} onCancel=${() => setOpen(false)}>
        <p>${t('cancel.question', { title: meeting.title })}</p>
        <${ErrorBox} error=${error} testid="cancel-dialog-error" />
      </${ConfirmDialog}>`}
    </section>`;
}

export function InvitePanels({ snap, reload, live }) {
  const staff = snap.me.role === 'secretary';
  if (!staff) return null;
  return html`<div class="invite-panels">
    <${Invitation} meetingId=${snap.meeting.id} status=${snap.meeting.status}
      changed=${live?.invitationsChanged || 0} />
    <${Exclusions} snap=${snap} reload=${reload} />
    <${CancelMeeting} meeting=${snap.meeting} reload=${reload} />
  </div>`;
}
