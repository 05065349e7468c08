// Sending the agenda and documents to the members: the deadline the law sets for this kind of
// session (counted by the server in working days), how far off it is, the documents that came
// after it, and the button that publishes them (members are told on their tablets and their
// meetings list, and only then see a draft's agenda).

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { daysFromToday, formatDate, formatDateTime, isoVietnam, weekdayOf } from '../format.js';
import { t } from '../i18n.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Notice } from '../ui/feedback.js';

function Deadline({ meeting }) {
  const due = meeting.documents_due_on;
  if (!due) return null;
  const left = daysFromToday(due);
  const open = meeting.status === 'draft' && !meeting.published_at;
  return html`
    <p class="deadline" data-testid="deadline" data-due=${due}>
      <strong>${t('prep.due', { date: formatDate(due), weekday: t(`weekday.${weekdayOf(due)}`) })}</strong></p>
    <p class="small muted">${t(meeting.kind === 'regular' ? 'prep.due_rule_regular' : 'prep.due_rule_short')}</p>
    ${open && left !== null && html`<p class=${left < 0 ? 'warn-text' : 'small'} data-testid="deadline-left">
      ${left > 0 ? t('prep.due_in', { n: left }) : left === 0 ? t('prep.due_today') : t('prep.due_past', { n: -left })}</p>`}`;
}

export function Publication({ snap, reload, me }) {
  const meeting = snap.meeting;
  const mine = snap.me.role === 'secretary' || me?.user.global_role === 'admin';
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const documents = snap.items.flatMap((i) => i.documents);
  const late = documents.filter((d) => d.late).length;
  const pastDue = (daysFromToday(meeting.documents_due_on) ?? 0) < 0;

  async function publish() {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/meetings/${meeting.id}/publish`);
      setConfirming(false);
      await reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const publishedLate = meeting.published_at && meeting.documents_due_on
    && isoVietnam(meeting.published_at).slice(0, 10) > meeting.documents_due_on;
  return html`
    <section class="card publication" data-testid="publication">
      <h2>${t('prep.sending')}</h2>
      <${Deadline} meeting=${meeting} />
      ${meeting.status !== 'draft'
        ? html`<p class="small">${t('prep.published_running')}</p>`
        : meeting.published_at
          ? html`<${Notice} kind=${publishedLate ? 'warn' : 'info'} testid="published">
              ${t(publishedLate ? 'prep.published_late' : 'prep.published_at', { when: formatDateTime(meeting.published_at) })}</${Notice}>`
          : html`<p class="small" data-testid="not-published">${t('prep.not_published')}</p>`}
      ${late > 0 && html`<p class="warn-text small" data-testid="late-count">${t('prep.late_count', { n: late })}</p>`}
      ${mine && meeting.status === 'draft' && !meeting.published_at && html`
        <button type="button" class="btn btn-primary" data-testid="publish"
          onClick=${() => setConfirming(true)}>${t('prep.publish')}</button>`}
      <${ErrorBox} error=${error} testid="publish-error" />
      ${confirming && html`<${ConfirmDialog} title=${t('prep.publish_title')} busy=${busy}
        confirmLabel=${t('prep.publish')} onConfirm=${publish} onCancel=${() => setConfirming(false)}>
        <p>${t('prep.publish_body', { n: documents.length })}</p>
        ${pastDue && html`<p class="warn-text">${t('prep.publish_after_due')}</p>`}
      </${ConfirmDialog}>`}
    </section>`;
}
