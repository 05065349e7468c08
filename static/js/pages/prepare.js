// /m/{id}/prepare: the secretary sets up a meeting: its details, who takes part and in
// which role, the agenda items, and each item's PDF documents.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { api, del, get, patch, post, upload } from '../api.js';
import { isoToLocalInput, localInputToIso } from '../format.js';
import { t } from '../i18n.js';
import { roleLabel, StatusBadge } from '../ui/badges.js';
import { ErrorBox, Loading, Notice } from '../ui/feedback.js';
import { useMe } from '../session.js';
import { AppHeader } from '../ui/header.js';
import { useMeeting } from '../tablet/use-meeting.js';

const OFFICE = '.doc,.docx,.odt,.xls,.xlsx,.ods,.ppt,.pptx,.odp,.rtf';

const ROLES = ['member', 'chair', 'guest', 'secretary'];

function RoleSelect({ value, onChange, testid }) {
  return html`<select value=${value} onChange=${(e) => onChange(e.target.value)}
    data-testid=${testid} aria-label=${t('prepare.role')}>
    ${ROLES.map((r) => html`<option value=${r}>${roleLabel(r)}</option>`)}
  </select>`;
}

function Details({ snap, reload }) {
  const m = snap.meeting;
  const editable = m.status === 'draft';
  const [form, setForm] = useState({
    title: m.title, place: m.place || '', starts: isoToLocalInput(m.starts_at),
  });
  const [state, setState] = useState({ busy: false, error: null, saved: false });
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  async function save(event) {
    event.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      await patch(`/api/meetings/${m.id}`, {
        title: form.title.trim(), place: form.place.trim(), starts_at: localInputToIso(form.starts),
      });
      setState({ busy: false, error: null, saved: true });
      reload();
    } catch (error) {
      setState({ busy: false, error, saved: false });
    }
  }

  return html`
    <form class="card form-grid" onSubmit=${save} data-testid="details-form">
      <h2 class="span-2">${t('prepare.details')}</h2>
      ${!editable && html`<p class="span-2 muted">${t('prepare.locked')}</p>`}
      <label class="field span-2"><span>${t('meetings.field_title')}</span>
        <input required disabled=${!editable} value=${form.title} onInput=${set('title')} /></label>
      <label class="field"><span>${t('meetings.field_start')}</span>
        <input type="datetime-local" required disabled=${!editable} value=${form.starts}
          onInput=${set('starts')} /></label>
      <label class="field"><span>${t('meetings.field_place')}</span>
        <input disabled=${!editable} value=${form.place} onInput=${set('place')} /></label>
      ${editable && html`<div class="span-2 row">
        <button class="btn btn-primary" type="submit" disabled=${state.busy}>
          ${state.busy ? t('common.saving') : t('prepare.save_details')}</button>
        ${state.saved && html`<span class="ok-text">${t('common.saved')}</span>`}
      </div>`}
      <div class="span-2"><${ErrorBox} error=${state.error} /></div>
    </form>`;
}

function Participants({ snap, reload }) {
  const id = snap.meeting.id;
  const [error, setError] = useState(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null);
  const [roles, setRoles] = useState({});
  const timer = useRef(null);
  const inMeeting = new Map(snap.participants.map((p) => [p.user_id, p]));

  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      get(`/api/users?q=${encodeURIComponent(query.trim())}`)
        .then((r) => setFound(r.users), setError);
    }, 250);
    return () => clearTimeout(timer.current);
  }, [query]);

  async function act(fn) {
    setError(null);
    try {
      await fn();
      await reload();
    } catch (err) {
      setError(err);
    }
  }
  const setRole = (userId, role) => act(() => post(`/api/meetings/${id}/participants`,
    { user_id: userId, role }));
  const remove = (userId) => act(() => del(`/api/meetings/${id}/participants/${userId}`));

  return html`
    <section class="card" data-testid="participants">
      <h2>${t('prepare.participants', { n: snap.participants.length })}</h2>
      <ul class="rows">
        ${snap.participants.map((p) => html`
          <li class="row-item" key=${p.user_id} data-testid=${`participant-${p.username}`}>
            <span class="grow"><strong>${p.full_name}</strong>
              <span class="muted small"> · ${p.username}</span></span>
            ${p.user_id === snap.me.user_id
              ? html`<span class="badge">${roleLabel(p.role)}</span>`
              : html`<${RoleSelect} value=${p.role} onChange=${(r) => setRole(p.user_id, r)}
                  testid=${`role-${p.username}`} />`}
            ${p.user_id !== snap.me.user_id && html`
              <button type="button" class="btn btn-quiet" onClick=${() => remove(p.user_id)}
                aria-label=${t('prepare.remove_person', { name: p.full_name })}
                data-testid=${`remove-${p.username}`}>${t('common.remove')}</button>`}
          </li>`)}
      </ul>
      <${ErrorBox} error=${error} />
      <h3>${t('prepare.add_people')}</h3>
      <input type="search" class="input-wide" placeholder=${t('prepare.search_people')}
        aria-label=${t('prepare.search_people')} value=${query}
        onInput=${(e) => setQuery(e.target.value)} data-testid="people-search" />
      ${found && found.length === 0 && html`<p class="muted">${t('prepare.no_people')}</p>`}
      ${found && html`<ul class="rows">
        ${found.filter((u) => !inMeeting.has(u.id)).slice(0, 12).map((u) => html`
          <li class="row-item" key=${u.id} data-testid=${`candidate-${u.username}`}>
            <span class="grow"><strong>${u.full_name}</strong>
              <span class="muted small"> · ${u.username}</span></span>
            <${RoleSelect} value=${roles[u.id] || 'member'}
              onChange=${(r) => setRoles({ ...roles, [u.id]: r })} testid=${`new-role-${u.username}`} />
            <button type="button" class="btn" data-testid=${`invite-${u.username}`}
              onClick=${() => setRole(u.id, roles[u.id] || 'member')}>${t('prepare.invite')}</button>
          </li>`)}
      </ul>`}
    </section>`;
}

function Upload({ meetingId, item, reload }) {
  const fileRef = useRef(null);
  const [title, setTitle] = useState('');
  const [fileName, setFileName] = useState('');
  const [progress, setProgress] = useState(null);
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);

  async function send(event) {
    event.preventDefault();
    const file = fileRef.current.files[0];
    setError(null);
    setMessage(null);
    if (!file) {
      setMessage(t('prepare.choose_file'));
      return;
    }
    const form = new FormData();
    form.append('file', file);
    if (title.trim()) form.append('title', title.trim());
    setProgress(0);
    try {
      const { document: doc } = await upload(
        `/api/meetings/${meetingId}/items/${item.id}/documents`, form, setProgress,
      );
      setMessage(t('prepare.uploaded', { title: doc.title || doc.filename, pages: doc.page_count }));
      setTitle('');
      setFileName('');
      fileRef.current.value = '';
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  }

  const pct = progress === null ? 0 : Math.round(progress * 100);
  return html`
    <form class="upload" onSubmit=${send} data-testid=${`upload-${item.id}`}>
      <div class="field"><span>${t('prepare.upload_file')}</span>
        <label class="btn file-pick">
          <input type="file" class="sr-only" accept=${`application/pdf,.pdf,${OFFICE}`} ref=${fileRef}
            data-testid=${`upload-file-${item.id}`}
            onChange=${(e) => setFileName(e.target.files[0]?.name || '')} />
          ${t('prepare.choose_pdf')}</label>
        <span class="file-name small muted">${fileName || t('prepare.no_file')}</span>
      </div>
      <label class="field"><span>${t('prepare.upload_title')}</span>
        <input value=${title} onInput=${(e) => setTitle(e.target.value)}
          data-testid=${`upload-title-${item.id}`} /></label>
      <button class="btn" type="submit" disabled=${progress !== null}
        data-testid=${`upload-submit-${item.id}`}>${t('prepare.upload')}</button>
      ${progress !== null && html`<div class="upload-progress" data-testid="upload-progress">
        <progress max="100" value=${pct}></progress>
        <span class="small">${pct < 100 ? t('prepare.uploading', { pct }) : t('prepare.processing')}</span>
      </div>`}
      ${message && html`<p class="ok-text small" data-testid="upload-message">${message}</p>`}
      <${ErrorBox} error=${error} testid="upload-error" />
    </form>`;
}

// A new version of a document: chosen, sent at once, with upload progress.
function ReplaceVersion({ doc, reload }) {
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const [message, setMessage] = useState(null);
  async function send(e) {
    const file = e.target.files[0];
    if (!file) return;
    setError(null);
    setMessage(null);
    const form = new FormData();
    form.append('file', file);
    setProgress(0);
    try {
      const { version } = await upload(`/api/documents/${doc.id}/versions`, form, setProgress);
      setMessage(t('docs.replaced', { version: version.number, pages: version.page_count }));
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
      e.target.value = '';
    }
  }
  const pct = progress === null ? 0 : Math.round(progress * 100);
  return html`<span class="replace-version">
    <label class="btn btn-small btn-quiet file-pick">
      <input type="file" class="sr-only" accept=${`application/pdf,.pdf,${OFFICE}`}
        data-testid=${`replace-file-${doc.id}`} onChange=${send} disabled=${progress !== null} />
      ${t('docs.replace')}</label>
    ${progress !== null && html`<progress max="100" value=${pct} data-testid="replace-progress"></progress>`}
    ${message && html`<span class="ok-text small" data-testid="replace-message">${message}</span>`}
    <${ErrorBox} error=${error} testid="replace-error" />
  </span>`;
}

function DocProgress({ progress }) {
  if (!progress) return null;
  const done = progress.ready >= progress.total;
  return html`<span class="doc-progress muted" data-testid="doc-progress" data-ready=${progress.ready}
    data-total=${progress.total}> · ${done ? t('docs.rendered', progress) : html`
    <progress max=${progress.total} value=${progress.ready}></progress> ${t('docs.rendering', progress)}`}</span>`;
}

function Policy({ meetingId, live }) {
  const [policy, setPolicy] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get(`/api/meetings/${meetingId}/document-policy`).then(setPolicy, setError); }, [meetingId]);
  useEffect(() => { if (live) setPolicy(live); }, [live]);
  if (!policy) return html`<${ErrorBox} error=${error} />`;
  const save = (change) => {
    setError(null);
    api('PUT', `/api/meetings/${meetingId}/document-policy`, { ...policy, ...change })
      .then(setPolicy, setError);
  };
  return html`<div class="doc-policy" data-testid="doc-policy">
    <label class="toggle"><input type="checkbox" checked=${policy.confidential}
      data-testid="policy-confidential" onChange=${(e) => save({ confidential: e.target.checked })} />
      ${t('docs.confidential')}</label>
    <label class="toggle"><input type="checkbox" checked=${policy.downloads} disabled=${policy.confidential}
      data-testid="policy-downloads" onChange=${(e) => save({ downloads: e.target.checked })} />
      ${t('docs.downloads')}</label>
    <${ErrorBox} error=${error} />
  </div>`;
}

function Agenda({ snap, reload, live }) {
  const id = snap.meeting.id;
  const [form, setForm] = useState({ title: '', presenter: '', minutes: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  async function add(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(`/api/meetings/${id}/items`, {
        title: form.title.trim(), presenter: form.presenter.trim(),
        planned_minutes: form.minutes ? Number(form.minutes) : 0,
      });
      setForm({ title: '', presenter: '', minutes: '' });
      await reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return html`
    <section class="card" data-testid="agenda">
      <h2>${t('prepare.agenda')}</h2>
      <${Policy} meetingId=${id} live=${live?.documentPolicy} />
      ${snap.items.length === 0 && html`<p class="muted">${t('prepare.no_items')}</p>`}
      <ol class="agenda-edit">
        ${snap.items.map((item) => html`
          <li key=${item.id} class="agenda-edit-item" data-testid=${`item-${item.id}`}>
            <h3>${item.position}. ${item.title}</h3>
            <p class="muted small">${item.presenter}
              ${item.planned_minutes ? ` · ${t('common.minutes_short', { n: item.planned_minutes })}` : ''}</p>
            <h4>${t('prepare.documents')}</h4>
            ${item.documents.length === 0 && html`<p class="muted small">${t('prepare.no_documents')}</p>`}
            <ul class="doc-list">
              ${item.documents.map((d) => html`<li key=${d.id}>
                <a href=${`/api/documents/${d.id}/file`} target="_blank" rel="noopener">${d.title || d.filename}</a>
                <span class="muted small"> · ${t('common.pages', { n: d.page_count })}</span>
                <${DocProgress} progress=${live?.docProgress?.[d.id]} />
                <${ReplaceVersion} doc=${d} reload=${reload} /></li>`)}
            </ul>
            <${Upload} meetingId=${id} item=${item} reload=${reload} />
          </li>`)}
      </ol>
      <form class="form-grid add-item" onSubmit=${add} data-testid="add-item">
        <h3 class="span-2">${t('prepare.add_item')}</h3>
        <label class="field span-2"><span>${t('prepare.item_title')}</span>
          <input required value=${form.title} onInput=${set('title')} data-testid="item-title" /></label>
        <label class="field"><span>${t('prepare.presenter')}</span>
          <input value=${form.presenter} onInput=${set('presenter')} data-testid="item-presenter" /></label>
        <label class="field"><span>${t('prepare.planned')}</span>
          <input type="number" min="0" max="600" inputmode="numeric" value=${form.minutes}
            onInput=${set('minutes')} data-testid="item-minutes" /></label>
        <div class="span-2"><${ErrorBox} error=${error} />
          <button class="btn btn-primary" type="submit" disabled=${busy}
            data-testid="item-submit">${t('prepare.add_item')}</button></div>
      </form>
    </section>`;
}

export function PreparePage({ id }) {
  const me = useMe();
  const [snap, setSnap] = useState(null);
  const [error, setError] = useState(null);
  const reload = () => get(`/api/meetings/${id}`).then(setSnap, setError);
  useEffect(() => { reload(); }, [id]);
  // The live channel: pages rendered so far for each new document or version.
  const { state: live } = useMeeting(id);

  return html`
    <${AppHeader} title=${t('prepare.title')} subtitle=${snap?.meeting.title}>
      ${snap && html`<${StatusBadge} status=${snap.meeting.status} />`}
    </${AppHeader}>
    <main class="page">
      <p class="row"><a href="/meetings">${t('nav.back_meetings')}</a>
        <a class="btn" href=${`/m/${id}`}>${t('prepare.go_tablet')}</a></p>
      <${ErrorBox} error=${error} />
      ${!snap && !error && html`<${Loading} />`}
      ${snap && me && snap.me.role !== 'secretary' && me.user.global_role !== 'admin' && html`<${Notice} kind="warn">${t('prepare.read_only')}</${Notice}>`}
      ${snap && html`
        <div class="prepare-grid">
          <div><${Details} key=${snap.meeting.status} snap=${snap} reload=${reload} />
            <${Participants} snap=${snap} reload=${reload} /></div>
          <${Agenda} snap=${snap} reload=${reload} live=${live} />
        </div>`}
    </main>`;
}
