// The secretary's and the chair's console beside their viewer: start and end the meeting,
// choose what the room sees, open and close votes (each on the agenda item the secretary
// chooses, the current one by default) with the live tally, check people in,
// set each person's attendance (present, remote, absent with a reason, excused, and who holds
// an absent member's proxy), and see who is connected and whether they follow the presenter.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n.js';
import {
  AWAY_STATES, findDocument, findItem, isAway, isPresent, VOTER_ROLES,
} from '../meeting-state.js';
import { roleLabel } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox } from '../ui/feedback.js';
import { CandidateBars, ChoiceBars, Outcome, resultSummary } from '../ui/vote-result.js';
import { ScreenControls } from './screen-controls.js';

// Bodies whose quorum the law fixes: a vote without it cannot be opened, so no override.
const LEGAL_KINDS = ['people_committee', 'people_council'];

// One request at a time, its refusal shown where the button is.
function useAction() {
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  async function run(name, fn) {
    setBusy(name);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setBusy(null);
    }
  }
  return { busy, error, run };
}

function MeetingControls({ state, action }) {
  const { meeting, me } = state;
  const [confirming, setConfirming] = useState(false);
  const id = meeting.id;
  const end = async () => {
    const done = await action.run('end', () => post(`/api/meetings/${id}/end`));
    setConfirming(false);
    return done;
  };
  return html`
    <div class="console-block">
      <div class="row wrap">
        ${meeting.status === 'draft' && html`
          <button type="button" class="btn btn-primary btn-big" data-testid="start-meeting"
            disabled=${action.busy !== null}
            onClick=${() => action.run('start', () => post(`/api/meetings/${id}/start`))}>
            ${t('console.start')}</button>
          ${me.role === 'secretary' && html`<a class="btn" href=${`/m/${id}/prepare`}>${t('console.to_prepare')}</a>`}`}
        ${meeting.status === 'running' && html`
          <button type="button" class="btn btn-danger" data-testid="end-meeting"
            disabled=${action.busy !== null} onClick=${() => setConfirming(true)}>
            ${t('console.end')}</button>`}
        ${['ended', 'sealed'].includes(meeting.status) && me.role === 'secretary' && html`
          <a class="btn btn-primary btn-big" href=${`/m/${id}/minutes`} data-testid="minutes-link">
            ${t('console.to_minutes')}</a>`}
        <a class="btn" href=${`/m/${id}/screen`} target="_blank" rel="noopener"
          data-testid="screen-link">${t('console.open_screen')}</a>
      </div>
      ${meeting.started_at && html`<p class="small muted" data-testid="console-started">
        ${t('record.started_at', { when: formatDateTime(meeting.started_at) })}</p>`}
      ${confirming && html`
        <${ConfirmDialog} title=${t('console.end_confirm_title')} confirmLabel=${t('console.end')}
          danger busy=${action.busy === 'end'} onConfirm=${end}
          onCancel=${() => setConfirming(false)}>
          <p>${t('console.end_confirm')}</p>
        </${ConfirmDialog}>`}
    </div>`;
}

function PresenterControls({ state, update, viewing, action, conn }) {
  const { presentation: p, meeting } = state;
  const running = meeting.status === 'running';
  const found = p.document_id ? findDocument(state, p.document_id) : null;
  const item = findItem(state, p.item_id);
  const present = (body) => action.run('present', async () => {
    const live = conn && conn();
    // Over the socket when it is up (no HTTP request per page); the HTTP route otherwise.
    const r = live && live.live
      ? await live.command('present', body)
      : await post(`/api/meetings/${meeting.id}/present`, body);
    // Apply the answer at once, so a second tap counts from the new page.
    update((s) => ({ ...s, presentation: r.presentation }));
  });
  const differs = viewing && (viewing.document_id !== p.document_id || viewing.page !== p.page);

  return html`
    <div class="console-block" data-testid="presenter">
      <h3>${t('console.presenting')}</h3>
      ${item && html`<p class="small muted">${t('tablet.item_n', { n: item.number })}: ${item.title}</p>`}
      ${found ? html`
        <p class="presenting-now" data-testid="present-state" data-document=${p.document_id}
          data-page=${p.page}>${t('console.presenting_now', { title: found.doc.title || found.doc.filename })}${' · '}<strong>${t('common.page_of', { page: p.page, count: found.doc.page_count })}</strong></p>
        <div class="row">
          <button type="button" class="btn btn-pager" data-testid="present-prev"
            disabled=${!running || action.busy !== null || p.page <= 1}
            onClick=${() => present({ page: p.page - 1 })}>${t('console.present_prev')}</button>
          <button type="button" class="btn btn-pager btn-primary" data-testid="present-next"
            disabled=${!running || action.busy !== null || p.page >= found.doc.page_count}
            onClick=${() => present({ page: p.page + 1 })}>${t('console.present_next')}</button>
        </div>
        ${running && differs && html`
          <button type="button" class="btn btn-block" data-testid="present-this"
            disabled=${action.busy !== null}
            onClick=${() => present({ document_id: viewing.document_id, page: viewing.page })}>
            ${t('console.present_this', { page: viewing.page })}</button>`}`
        : html`<p class="muted" data-testid="present-state">${t('console.nothing')}</p>`}
      <ol class="present-items">
        ${state.items.map((it) => html`
          <li key=${it.id} class=${it.id === p.item_id ? 'presented' : ''}>
            <span class="item-no">${it.number}</span>
            <div class="grow">
              <p class="item-title">${it.title}</p>
              <div class="row wrap">
                ${it.documents.map((d) => html`
                  <button type="button" key=${d.id} class=${`btn btn-small${d.id === p.document_id ? ' btn-current' : ''}`}
                    data-testid=${`present-doc-${d.id}`} disabled=${!running || action.busy !== null}
                    onClick=${() => present({ document_id: d.id })}>
                    ${t('console.present_doc')}: ${d.title || d.filename}</button>`)}
                ${it.documents.length === 0 && it.id !== p.item_id && html`
                  <button type="button" class="btn btn-small" data-testid=${`present-item-${it.id}`}
                    disabled=${!running || action.busy !== null}
                    onClick=${() => present({ item_id: it.id })}>${t('console.present_item')}</button>`}
              </div>
            </div>
          </li>`)}
      </ol>
    </div>`;
}

const PRESETS = ['people_committee', 'people_council', 'people_council_two_thirds', 'company_board'];

// "Nội dung 2: Kế hoạch …": the agenda item a vote belongs to.
function itemLabel(state, itemId) {
  const item = findItem(state, itemId);
  return item ? t('record.vote_under_item', { n: item.number, title: item.title }) : '';
}

function VoteControls({ state, action }) {
  const { meeting, open_vote: vote, presentation } = state;
  const current = presentation.item_id;
  // The vote's item follows the presented one until the secretary chooses another.
  const [itemId, setItemId] = useState(current ?? state.items[0]?.id ?? null);
  const [chosen, setChosen] = useState(false);
  useEffect(() => { if (!chosen && current != null) setItemId(current); }, [current]);
  const item = findItem(state, itemId);
  // Empty: the server puts the item's default question, in the body's language.
  const [question, setQuestion] = useState('');
  const [kind, setKind] = useState('named');
  const [options, setOptions] = useState('');
  const [maxMarks, setMaxMarks] = useState(1);
  const [preset, setPreset] = useState('');
  const [seconds, setSeconds] = useState('');
  const [override, setOverride] = useState(false);

  const open = (event) => {
    event.preventDefault();
    return action.run('vote', async () => {
      const opts = options.split('\n').map((o) => o.trim()).filter(Boolean);
      await post(`/api/meetings/${meeting.id}/votes`, {
        question: question.trim(), kind, ...(item ? { item_id: item.id } : {}),
        ...(opts.length ? { options: opts, min_marks: 1, max_marks: Math.min(Number(maxMarks) || 1, opts.length) } : {}),
        ...(preset ? { rule: { preset } } : {}),
        ...(seconds ? { seconds: Number(seconds) } : {}),
        ...(override ? { override_quorum: true } : {}),
      });
      setQuestion('');
      setChosen(false);
      setOverride(false);
    });
  };
  const close = () => action.run('close', () => post(`/api/votes/${vote.id}/close`));
  const cancel = () => action.run('cancel', () => post(`/api/votes/${vote.id}/cancel`, {}));
  const past = state.votes.filter((v) => v.status === 'closed');

  return html`
    <div class="console-block" data-testid="vote-console">
      <h3>${t('console.vote')}</h3>
      ${vote ? html`
        <p class="vote-question">${vote.question}</p>
        ${vote.item_id && html`<p class="small muted" data-testid="console-vote-item"
          data-item=${vote.item_id}>${itemLabel(state, vote.item_id)}</p>`}
        <p class="small muted" data-testid="console-vote-kind">${vote.kind ? t(`vote.kind_${vote.kind}`) : ''}</p>
        ${vote.kind === 'secret'
          ? html`<p class="small muted">${t('console.secret_no_tally')}</p>`
          : html`<p class="small muted">${t('console.live_tally')}</p>
            ${(vote.options || []).length
              ? html`<${CandidateBars} vote=${vote} testid="tally" />`
              : html`<${ChoiceBars} counts=${vote.tally || {}} total=${vote.eligible} testid="tally" />`}`}
        <p class="vote-progress" data-testid="tally-cast" data-cast=${vote.cast}>
          ${t('vote.progress', { cast: vote.cast ?? 0, eligible: vote.eligible })}</p>
        ${vote.not_voted && vote.not_voted.length > 0 && html`<p class="small" data-testid="not-voted">
          ${t('console.not_voted', { names: vote.not_voted.map((p) => p.full_name).join(', ') })}</p>`}
        <button type="button" class="btn btn-danger btn-block" data-testid="close-vote"
          disabled=${action.busy !== null} onClick=${close}>${t('console.close_vote')}</button>
        <button type="button" class="btn btn-block" data-testid="cancel-vote"
          disabled=${action.busy !== null} onClick=${cancel}>${t('console.cancel_vote')}</button>`
      : meeting.status === 'running' ? html`
        <form onSubmit=${open}>
          <label class="field"><span>${t('record.vote_item')}</span>
            <select value=${itemId == null ? '' : String(itemId)} data-testid="vote-item-input"
              onChange=${(e) => { setItemId(Number(e.target.value)); setChosen(true); }}>
              ${state.items.map((it) => html`<option value=${String(it.id)} key=${it.id}>
                ${t(it.id === current ? 'record.vote_item_current' : 'record.vote_item_option',
                  { n: it.number, title: it.title })}</option>`)}
            </select>
            <small class="muted">${t('record.vote_item_hint')}</small></label>
          <label class="field"><span>${t('console.vote_question')}</span>
            <textarea rows="2" value=${question} data-testid="vote-question-input"
              placeholder=${item?.vote_question || ''}
              onInput=${(e) => setQuestion(e.target.value)}></textarea>
            ${item && !question.trim() && html`<small class="muted" data-testid="vote-question-default">
              ${t('record.question_default', { question: item.vote_question })}</small>`}</label>
          <label class="field"><span>${t('console.vote_kind')}</span>
            <select value=${kind} data-testid="vote-kind-input" onChange=${(e) => setKind(e.target.value)}>
              ${['named', 'counts', 'secret'].map((k) => html`<option value=${k} key=${k}>${t(`vote.kind_${k}`)}</option>`)}
            </select></label>
          <label class="field"><span>${t('console.vote_options')}</span>
            <textarea rows="2" value=${options} data-testid="vote-options-input"
              onInput=${(e) => setOptions(e.target.value)}></textarea></label>
          ${options.trim() && html`<label class="field"><span>${t('console.vote_max_marks')}</span>
            <input type="number" min="1" value=${maxMarks} data-testid="vote-max-marks-input"
              onInput=${(e) => setMaxMarks(e.target.value)} /></label>`}
          <label class="field"><span>${t('console.vote_preset')}</span>
            <select value=${preset} data-testid="vote-preset-input" onChange=${(e) => setPreset(e.target.value)}>
              <option value="">${t('console.vote_preset_body')}</option>
              ${PRESETS.filter((k) => k !== 'company_board' || !LEGAL_KINDS.includes(state.meeting.body_kind))
                .map((k) => html`<option value=${k} key=${k}>${t(`record.preset.${k}`)}</option>`)}
            </select></label>
          <label class="field"><span>${t('console.vote_timer')}</span>
            <input type="number" min="5" value=${seconds} data-testid="vote-timer-input"
              onInput=${(e) => setSeconds(e.target.value)} /></label>
          ${state.quorum && !state.quorum.quorum && (LEGAL_KINDS.includes(state.meeting.body_kind)
            ? html`<p class="notice notice-warn small" data-testid="quorum-by-law">${t('console.quorum_by_law')}</p>`
            : html`<label class="field-check">
            <input type="checkbox" checked=${override} data-testid="vote-override-input"
              onChange=${(e) => setOverride(e.target.checked)} /> ${t('console.override_quorum')}</label>`)}
          <button type="submit" class="btn btn-primary btn-block" data-testid="open-vote"
            disabled=${action.busy !== null || (!question.trim() && !item)}>${t('console.open_vote')}</button>
        </form>`
      : html`<p class="muted small">${t('console.vote_needs_running')}</p>`}
      ${past.length > 0 && html`
        <details class="past-votes" open=${!vote}>
          <summary>${t('console.past_votes', { n: past.length })}</summary>
          <ul>${past.slice().reverse().map((v) => html`
            <li key=${v.id} data-testid=${`past-vote-${v.id}`}>
              <p>${v.question}</p>
              <p class="small muted">${itemLabel(state, v.item_id)}${v.closed_at
                ? ` · ${t('record.closed_at', { when: formatDateTime(v.closed_at) })}` : ''}</p>
              <p class="small">${resultSummary(v)}</p>
              <${Outcome} passed=${v.result.passed} vote=${v} />
            </li>`)}</ul>
        </details>`}
    </div>`;
}

function describePresence(c, state) {
  if (c.mode !== 'browse') return t('console.following');
  const found = c.document_id ? findDocument(state, c.document_id) : null;
  const where = c.page ? t('console.browsing_at', { page: c.page }) : t('console.browsing');
  return found ? `${where} · ${found.doc.title || found.doc.filename}` : where;
}

const ATTENDANCE_STATES = ['present', 'remote', 'absent', 'excused'];
const attendanceOf = (p) => p.attendance || '';

function AttendanceBadge({ person }) {
  const st = attendanceOf(person) || 'none';
  return html`<span class=${`badge att-${st}`} data-testid=${`attendance-${person.user_id}`}
    data-state=${st}>${t(`att.state.${st}`)}</span>`;
}

// The secretary sets one person's state; an absent voting member may give a present one
// their proxy where the body allows proxies.
function AttendanceForm({ person, participants, proxiesAllowed, busy, onSave, onCancel }) {
  const [st, setSt] = useState(attendanceOf(person) || 'present');
  const [reason, setReason] = useState(person.absence_reason || '');
  const [proxy, setProxy] = useState(person.proxy_user_id ? String(person.proxy_user_id) : '');
  const away = AWAY_STATES.includes(st);
  const voter = VOTER_ROLES.includes(person.role);
  const holders = participants.filter((p) => p.user_id !== person.user_id && VOTER_ROLES.includes(p.role)
    && (isPresent(p) || p.user_id === person.proxy_user_id));
  const id = person.user_id;
  const save = (event) => {
    event.preventDefault();
    onSave({
      user_id: id, state: st, ...(away ? { reason: reason.trim() } : {}),
      ...(away && proxiesAllowed && voter && proxy ? { proxy_user_id: Number(proxy) } : {}),
    });
  };
  return html`
    <form class="attendance-form" data-testid=${`attendance-form-${id}`} onSubmit=${save}>
      <label class="field"><span>${t('att.state_label')}</span>
        <select value=${st} data-testid="attendance-state-input" onChange=${(e) => setSt(e.target.value)}>
          ${ATTENDANCE_STATES.map((x) => html`<option value=${x} key=${x}>${t(`att.state.${x}`)}</option>`)}
        </select></label>
      ${away && html`<label class="field"><span>${t(st === 'excused' ? 'att.reason' : 'record.note')}</span>
        <input type="text" maxlength="300" value=${reason} data-testid="attendance-reason-input"
          onInput=${(e) => setReason(e.target.value)} /></label>`}
      ${away && proxiesAllowed && voter && html`<label class="field"><span>${t('att.proxy')}</span>
        <select value=${proxy} data-testid="attendance-proxy-input" onChange=${(e) => setProxy(e.target.value)}>
          <option value="">${t('att.no_proxy')}</option>
          ${holders.map((h) => html`<option value=${String(h.user_id)} key=${h.user_id}>${h.full_name}</option>`)}
        </select></label>`}
      <div class="row">
        <button type="submit" class="btn btn-primary btn-small" data-testid="attendance-save"
          disabled=${busy}>${t('common.save')}</button>
        <button type="button" class="btn btn-small" onClick=${onCancel}>${t('common.cancel')}</button>
      </div>
    </form>`;
}

function Attendance({ state, action }) {
  const { participants, presence, meeting } = state;
  const [editing, setEditing] = useState(null);
  const byUser = new Map();
  for (const c of presence || []) {
    if (!byUser.has(c.user_id)) byUser.set(c.user_id, []);
    byUser.get(c.user_id).push(c);
  }
  const names = new Map(participants.map((p) => [p.user_id, p.full_name]));
  const present = participants.filter(isPresent).length;
  const running = meeting.status === 'running';
  const checkIn = (userId) => action.run(`checkin-${userId}`,
    () => post(`/api/meetings/${meeting.id}/check-in`, { user_id: userId }));
  const save = async (body) => {
    const done = await action.run(`attendance-${body.user_id}`,
      () => post(`/api/meetings/${meeting.id}/attendance`, body));
    if (done) setEditing(null);
  };

  return html`
    <div class="console-block" data-testid="attendance">
      <h3>${t('console.participants', { present, total: participants.length })}</h3>
      ${state.quorum && html`<p class=${`small ${state.quorum.quorum ? '' : 'notice notice-warn'}`}
        data-testid="quorum" data-present=${state.quorum.members_present} data-required=${state.quorum.required}>
        ${t('quorum.line', { present: state.quorum.members_present, members: state.quorum.members, required: state.quorum.required })}
        ${' · '}${state.quorum.quorum ? t('quorum.ok') : t('quorum.missing')}</p>`}
      <ul class="people">
        ${participants.map((p) => {
          const devices = byUser.get(p.user_id) || [];
          const held = participants.filter((x) => x.proxy_user_id === p.user_id && isAway(x));
          return html`
            <li key=${p.user_id} class="person" data-testid=${`person-${p.user_id}`}
              data-checked-in=${String(p.checked_in)} data-connected=${String(devices.length > 0)}
              data-attendance=${attendanceOf(p)}>
              <span class=${`dot ${devices.length ? 'dot-on' : 'dot-off'}`}
                title=${devices.length ? t('conn.live') : t('console.not_connected')}></span>
              <div class="grow">
                <p><strong>${p.full_name}</strong> <span class="muted small">${roleLabel(p.role)}</span></p>
                ${p.role === 'guest' && html`<p class="small muted">${t('att.guest_not_counted')}</p>`}
                ${isAway(p) && p.absence_reason && html`<p class="small"
                  data-testid=${`absence-reason-${p.user_id}`}>${t(p.attendance === 'excused'
                    ? 'att.reason_line' : 'record.note_line', { reason: p.absence_reason })}</p>`}
                ${isAway(p) && p.proxy_user_id && html`<p class="small"
                  data-testid=${`proxy-of-${p.user_id}`} data-proxy=${p.proxy_user_id}>
                  ${t('att.proxy_line', { name: names.get(p.proxy_user_id) || '—' })}</p>`}
                ${held.length > 0 && html`<p class="small muted" data-testid=${`holds-proxy-${p.user_id}`}>
                  ${t('att.holds_proxy', { names: held.map((x) => x.full_name).join(', ') })}</p>`}
                ${devices.map((c, i) => html`<p class="small muted" key=${i} data-testid="presence-entry"
                  data-mode=${c.mode}>${c.device || '—'} · ${describePresence(c, state)}</p>`)}
                ${editing === p.user_id && html`<${AttendanceForm} person=${p} participants=${participants}
                  proxiesAllowed=${!!meeting.proxies_allowed} busy=${action.busy !== null}
                  onSave=${save} onCancel=${() => setEditing(null)} />`}
              </div>
              <div class="person-actions">
                <${AttendanceBadge} person=${p} />
                ${running && !attendanceOf(p) && html`<button type="button" class="btn btn-small"
                  data-testid=${`checkin-${p.user_id}`} disabled=${action.busy !== null}
                  onClick=${() => checkIn(p.user_id)}>${t('console.check_in_for')}</button>`}
                ${running && editing !== p.user_id && html`<button type="button" class="btn btn-small"
                  data-testid=${`attendance-edit-${p.user_id}`} disabled=${action.busy !== null}
                  onClick=${() => setEditing(p.user_id)}>${t('att.change')}</button>`}
              </div>
            </li>`;
        })}
      </ul>
    </div>`;
}

export function Console({ state, update, viewing, conn }) {
  const action = useAction();
  return html`
    <section class="panel console" data-testid="console" aria-label=${t('console.title')}>
      <h2 class="pane-title">${t('console.title')}</h2>
      <${MeetingControls} state=${state} action=${action} />
      <${ErrorBox} error=${action.error} testid="console-error" />
      <${PresenterControls} state=${state} update=${update} viewing=${viewing} action=${action}
        conn=${conn} />
      <${VoteControls} state=${state} action=${action} />
      <${ScreenControls} state=${state} action=${action} />
      <${Attendance} state=${state} action=${action} />
    </section>`;
}
