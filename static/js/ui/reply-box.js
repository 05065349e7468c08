// A member's answer to the invitation, before the meeting: attending, absent with a reason
// (xin vắng), or attending remotely; it may change until the start. A cancelled meeting says
// so, with the reason. Shown in the list of meetings and on the tablet.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, put } from '../api.js';
import { t } from '../i18n.js';
import { ErrorBox, Notice } from './feedback.js';

const CHOICES = ['attending', 'absent', 'remote'];

export function ReplyBox({ meeting }) {
  const [mine, setMine] = useState(null);
  const [asking, setAsking] = useState(false); // the reason field for "absent" is open
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const draft = meeting.status === 'draft';
  useEffect(() => {
    if (draft) get(`/api/meetings/${meeting.id}/reply`).then(setMine, setError);
  }, [meeting.id, draft]);

  if (meeting.status === 'cancelled') {
    return html`<${Notice} kind="warn" testid=${`cancelled-${meeting.id}`}>
      ${t('reply.cancelled')} ${meeting.cancel_reason && t('invite.reason_line', { reason: meeting.cancel_reason })}
    </${Notice}>`;
  }
  if (!draft || !mine || !mine.can_reply) return html`<${ErrorBox} error=${error} />`;

  async function answer(reply, why = '') {
    setError(null);
    setSaved(false);
    try {
      setMine(await put(`/api/meetings/${meeting.id}/reply`, { reply, reason: why }));
      setAsking(false);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  const choose = (reply) => {
    if (reply === 'absent') {
      setReason(mine.reason || '');
      setAsking(true);
    } else {
      answer(reply);
    }
  };

  return html`
    <div class="reply-box" data-testid=${`reply-box-${meeting.id}`} data-reply=${mine.reply}>
      <p><strong>${t('reply.title')}</strong>
        ${mine.reply && html` · <span data-testid="my-reply">${t('reply.current', { answer: t(`invite.reply.${mine.reply}`) })}</span>`}
        ${mine.reason && html`<span class="small"> (${mine.reason})</span>`}</p>
      <div class="row">
        ${CHOICES.map((c) => html`<button type="button" data-testid=${`reply-${c}`}
          class=${`btn btn-small${mine.reply === c ? ' btn-current' : ''}`}
          aria-pressed=${mine.reply === c ? 'true' : 'false'} onClick=${() => choose(c)}>
          ${t(`invite.reply.${c}`)}</button>`)}
      </div>
      ${asking && html`<form class="row reply-reason" onSubmit=${(e) => { e.preventDefault(); answer('absent', reason.trim()); }}>
        <input required maxlength="300" value=${reason} aria-label=${t('reply.reason')}
          placeholder=${t('reply.reason')} data-testid="reply-reason"
          onInput=${(e) => setReason(e.target.value)} />
        <button class="btn btn-primary btn-small" type="submit" data-testid="reply-send">
          ${t('reply.send_absent')}</button>
      </form>`}
      <p class="muted small">${t('reply.hint')}
        ${saved && html` <span class="ok-text" data-testid="reply-saved">${t('reply.saved')}</span>`}</p>
      <${ErrorBox} error=${error} testid="reply-error" />
    </div>`;
}
