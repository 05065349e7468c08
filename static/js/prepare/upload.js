// Sending a file: a new document for an item, or a new version of a document. The control
// says which formats the server takes (meetings/documents/ingest.py) and shows every stage of
// the work: the bytes going out (XMLHttpRequest upload progress), then the server's side, heard
// on the staff channel (`upload.status`: waiting its turn, converting, reading; then the
// document is in the meeting and its pages render, `document.progress`). The server answers
// as soon as the bytes are stored (Prefer: respond-async) and reads the file in the background,
// so the page also finds the meeting's uploads after a reload (GET .../uploads): each item
// lists the files still on their way in and those refused, until the secretary dismisses them.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, get, upload } from '../api.js';
import { formatBytes } from '../format.js';
import { getLang, t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';

export const ACCEPT = ['application/pdf', '.pdf', '.docx', '.doc', '.xlsx', '.xls', '.pptx', '.ppt',
  '.odt', '.ods', '.odp', '.rtf'].join(',');
const ASYNC = { Prefer: 'respond-async' };
const FINISHED = ['ready', 'refused', 'failed'];

// The meeting's uploads, for those who prepare it (`asked`): those of the last day (asked
// once), then every `upload.status` heard.
export function useUploads(meetingId, live, asked) {
  const [listed, setListed] = useState({});
  useEffect(() => {
    if (!asked) return;
    get(`/api/meetings/${meetingId}/uploads`).then(
      (r) => setListed(Object.fromEntries(r.uploads.map((u) => [u.id, u]))),
      () => {},
    );
  }, [meetingId, asked]);
  const merged = { ...listed };
  Object.values(live?.uploads || {}).forEach((u) => {
    const known = merged[u.id];
    if (!known || !u.updated_at || u.updated_at >= known.updated_at) merged[u.id] = u;
  });
  return merged;
}

// Where the work is: bytes sent, then what the server said about this upload.
function stageOf(sent, up, progress) {
  if (sent && sent.loaded < sent.total) return 'sending';
  if (!up) return sent ? 'reading' : null;
  if (['waiting', 'converting', 'reading'].includes(up.stage)) return up.stage;
  if (up.stage === 'indexing' || up.stage === 'ready') {
    if (!progress) return 'first_page';
    return progress.ready < progress.total ? 'rendering' : 'done';
  }
  return null; // refused, failed: the error says it
}

export function Progress({ sent, up, progress, testid = 'upload-progress' }) {
  const stage = stageOf(sent, up, progress);
  if (!stage) return null;
  const pct = sent && sent.total ? Math.round((sent.loaded / sent.total) * 100) : 100;
  const lang = getLang();
  const text = {
    sending: () => t('prep.stage_sending', {
      pct, sent: formatBytes(sent?.loaded || 0, lang), total: formatBytes(sent?.total || 0, lang),
    }),
    waiting: () => t('uploads.stage_waiting'),
    converting: () => t('uploads.stage_converting'),
    reading: () => t('prep.stage_reading'),
    first_page: () => t('prep.stage_first_page'),
    rendering: () => t('prep.stage_rendering', progress),
    done: () => t('prep.stage_done', progress),
  }[stage]();
  const server = ['rendering', 'done'].includes(stage);
  // One bar for the bytes (its own element, as tests and screen readers read it), one for
  // the server's side.
  return html`
    <div class="upload-stages" role="status">
      <div class="upload-progress" data-testid=${testid} data-stage=${stage}>
        <progress max="100" value=${pct} aria-label=${t('prep.upload_file')}></progress>
        <span class="small" data-testid=${`${testid}-text`}>${text}</span>
      </div>
      ${stage !== 'sending' && html`<div class="upload-progress server-progress">
        ${server ? html`<progress max=${progress.total} value=${progress.ready}></progress>`
          : html`<progress></progress>`}</div>`}
    </div>`;
}

// An upload that ended badly: what the server said, and a button to put the notice away.
function Refusal({ up, testid, onDismissed }) {
  const [error, setError] = useState(null);
  const dismiss = () => del(`/api/uploads/${up.id}`).then(onDismissed, setError);
  return html`<div class="upload-refusal" data-testid=${`${testid}-refusal`}>
    <p class="small">${t(up.stage === 'failed' ? 'uploads.failed' : 'uploads.refused',
    { filename: up.filename })}</p>
    <${ErrorBox} error=${up.error} testid=${testid} />
    <button type="button" class="btn btn-small btn-quiet" data-testid=${`dismiss-upload-${up.id}`}
      aria-label=${t('uploads.dismiss_label', { filename: up.filename })}
      onClick=${dismiss}>${t('uploads.dismiss')}</button>
    <${ErrorBox} error=${error} />
  </div>`;
}

// The uploads of an item (or, with `documentId`, the new versions of a document) that this
// page did not send itself: still on their way in, or refused, as found after a reload.
export function PendingUploads({ uploads, live, itemId = null, documentId = null, skip = null }) {
  const [gone, setGone] = useState(new Set());
  const pending = Object.values(uploads).filter((u) => u.id !== skip && !gone.has(u.id)
    && u.stage !== 'ready' && u.stage !== 'dismissed'
    && (documentId ? u.item_id === null && u.document_id === documentId : u.item_id === itemId));
  if (pending.length === 0) return null;
  return html`<ul class="pending-uploads" aria-label=${t('uploads.pending_title')}>
    ${pending.map((u) => html`<li key=${u.id} data-testid=${`pending-upload-${u.id}`}
      data-stage=${u.stage}>
      ${FINISHED.includes(u.stage)
        ? html`<${Refusal} up=${u} testid=${`pending-upload-error-${u.id}`}
          onDismissed=${() => setGone(new Set([...gone, u.id]))} />`
        : html`<span class="small file-name">${u.filename}</span>
          <${Progress} up=${u} progress=${u.document_id && live?.docProgress?.[u.document_id]}
          testid=${`pending-upload-progress-${u.id}`} />`}
    </li>`)}
  </ul>`;
}

// Said once, above the agenda; every upload control points to it (aria-describedby).
export function Formats() {
  return html`<p class="small muted" id="upload-formats" data-testid="upload-formats">
    ${t('prep.formats')}</p>`;
}

export function Upload({ meetingId, item, live, reload, uploads }) {
  const fileRef = useRef(null);
  const [title, setTitle] = useState('');
  const [fileName, setFileName] = useState('');
  const [sent, setSent] = useState(null);
  const [mine, setMine] = useState(null); // the upload this control sent: { id, ...view }
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  const up = mine ? { ...mine, ...(uploads[mine.id] || {}) } : null;

  // Ready: the document is in the meeting (its pages may still be rendering).
  useEffect(() => {
    if (up?.stage !== 'ready') return;
    const doc = item.documents.find((d) => d.id === up.document_id)
      || live?.announced?.[up.document_id];
    setMessage(doc ? t('prepare.uploaded', { title: doc.title || doc.filename, pages: doc.page_count })
      : t('uploads.ready', { title: up.title || up.filename }));
    reload();
  }, [up?.stage]);

  async function send(event) {
    event.preventDefault();
    const file = fileRef.current.files[0];
    setError(null);
    setMessage(null);
    if (!file) {
      setMessage(t('prep.pick_file_first'));
      return;
    }
    const form = new FormData();
    form.append('file', file);
    if (title.trim()) form.append('title', title.trim());
    setMine(null);
    setSent({ loaded: 0, total: file.size });
    try {
      const answer = await upload(
        `/api/meetings/${meetingId}/items/${item.id}/documents`, form,
        (_f, loaded, total) => setSent({ loaded, total }), ASYNC,
      );
      setMine(answer.upload);
      setTitle('');
      setFileName('');
      fileRef.current.value = '';
    } catch (err) {
      setError(err);
    } finally {
      setSent(null);
    }
  }

  const busy = sent !== null || (up && !FINISHED.includes(up.stage));
  const ended = up && (up.stage === 'refused' || up.stage === 'failed');
  return html`
    <form class="upload" onSubmit=${send} data-testid=${`upload-${item.id}`}>
      <div class="field"><span>${t('prep.upload_file')}</span>
        <label class="btn file-pick">
          <input type="file" class="sr-only" accept=${ACCEPT} ref=${fileRef}
            data-testid=${`upload-file-${item.id}`} aria-describedby="upload-formats"
            onChange=${(e) => setFileName(e.target.files[0]?.name || '')} />
          ${t('prep.choose_file')}</label>
        <span class="file-name small muted">${fileName || t('prepare.no_file')}</span>
      </div>
      <label class="field"><span>${t('prepare.upload_title')}</span>
        <input value=${title} onInput=${(e) => setTitle(e.target.value)}
          data-testid=${`upload-title-${item.id}`} /></label>
      <button class="btn" type="submit" disabled=${busy}
        data-testid=${`upload-submit-${item.id}`}>${t('prepare.upload')}</button>
      ${busy && html`<${Progress} sent=${sent} up=${up}
        progress=${up?.document_id && live?.docProgress?.[up.document_id]} />`}
      ${message && html`<p class="ok-text small" data-testid="upload-message">${message}</p>`}
      ${ended && html`<${Refusal} up=${up} testid="upload-error" onDismissed=${() => setMine(null)} />`}
      <${ErrorBox} error=${error} testid="upload-error" />
      <${PendingUploads} uploads=${uploads} live=${live} itemId=${item.id} skip=${mine?.id} />
    </form>`;
}

// A new version of a document: chosen, sent at once, followed the same way.
export function ReplaceVersion({ doc, live, uploads, reload }) {
  const [sent, setSent] = useState(null);
  const [mine, setMine] = useState(null);
  const [error, setError] = useState(null);
  const [message, setMessage] = useState(null);
  const up = mine ? { ...mine, ...(uploads[mine.id] || {}) } : null;

  useEffect(() => {
    if (up?.stage !== 'ready') return;
    const news = live?.versions?.[doc.id];
    setMessage(news ? t('docs.replaced', { version: news.version, pages: news.page_count })
      : t('uploads.ready', { title: up.filename }));
    reload();
  }, [up?.stage]);

  async function send(e) {
    const file = e.target.files[0];
    if (!file) return;
    setError(null);
    setMessage(null);
    setMine(null);
    const form = new FormData();
    form.append('file', file);
    setSent({ loaded: 0, total: file.size });
    try {
      const answer = await upload(`/api/documents/${doc.id}/versions`, form,
        (_f, loaded, total) => setSent({ loaded, total }), ASYNC);
      setMine(answer.upload);
    } catch (err) {
      setError(err);
    } finally {
      setSent(null);
      e.target.value = '';
    }
  }
  const ended = up && (up.stage === 'refused' || up.stage === 'failed');
  const busy = sent !== null || (up && !FINISHED.includes(up.stage));
  const progress = live?.docProgress?.[doc.id];
  const news = live?.versions?.[doc.id];
  // The new version's pages: its progress, once the new version is announced.
  const ours = progress && news && progress.sha256 === news.sha256 && up?.document_id ? progress : null;
  return html`<span class="replace-version">
    <label class="btn btn-small btn-quiet file-pick">
      <input type="file" class="sr-only" accept=${ACCEPT}
        data-testid=${`replace-file-${doc.id}`} onChange=${send} disabled=${busy} />
      ${t('docs.replace')}</label>
    ${busy && html`<${Progress} sent=${sent} up=${up} testid="replace-progress"
      progress=${['indexing', 'ready'].includes(up?.stage) ? ours : null} />`}
    ${message && html`<span class="ok-text small" data-testid="replace-message">${message}</span>`}
    ${ended && html`<${Refusal} up=${up} testid="replace-error" onDismissed=${() => setMine(null)} />`}
    <${ErrorBox} error=${error} testid="replace-error" />
    <${PendingUploads} uploads=${uploads} live=${live} documentId=${doc.id} skip=${mine?.id} />
  </span>`;
}
