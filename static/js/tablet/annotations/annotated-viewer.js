// The reader with annotations on it: the viewer, the annotation layer over its page, the
// presenter's pointer and ink, the row of tools when annotating, and the cards that write a
// note or a text box, share, or list what a new version could not place. It owns the wiring
// only: ink and eraser are in ink.js, highlighting in highlight.js, the document's
// annotations and history in book.js, unsent changes in outbox.js, the server in sync.js.

import { html, useEffect, useMemo, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { errorText } from '../../api.js';
import { t } from '../../i18n.js';
import { Viewer } from '../viewer.js';
import { newAnnotation, useAnnotationBook } from './book.js';
import { AnnotationEditor } from './editor.js';
import { pageWords } from './highlight.js';
import { AnnotationLayer } from './layer.js';
import { Outbox } from './outbox.js';
import { PresenterMarks, presenterSender, usePresenterMarks } from './presenter.js';
import { ShareCard } from './share.js';
import { useAnnotationSync } from './sync.js';
import { AnnotationToolbar } from './toolbar.js';
import { PRESENTER_TOOLS, useTools } from './tools.js';
import { UnplacedList } from './unplaced.js';

const TEXT_BOX = { w: 0.4, h: 0.05 };
const round = (v) => Math.round(v * 1e5) / 1e5;
const clamp01 = (v) => Math.min(1, Math.max(0, v));

// A new text box's rectangle: the one dragged out (at least a small one), or a standard one
// from where the page was tapped, kept on the page.
function textRect({ x, y, to }) {
  if (to) {
    const x0 = clamp01(Math.min(x, to.x));
    const y0 = clamp01(Math.min(y, to.y));
    const x1 = Math.max(clamp01(Math.max(x, to.x)), x0 + 0.05);
    const y1 = Math.max(clamp01(Math.max(y, to.y)), y0 + 0.02);
    return [x0, y0, Math.min(1, x1), Math.min(1, y1)].map(round);
  }
  const x0 = Math.min(x, 1 - TEXT_BOX.w);
  const y0 = Math.min(y, 1 - TEXT_BOX.h);
  return [x0, y0, x0 + TEXT_BOX.w, y0 + TEXT_BOX.h].map(round);
}

// `meeting`: {conn, liveCount, listen} from use-meeting.js; `presented`: {document_id, page}
// when I may present and this is the presented page, else null.
export function AnnotatedViewer({
  me, doc, page, annotating, meeting, participants, presented, children, outbox: given = null, ...viewerProps
}) {
  const tools = useTools();
  // The page's outbox (so the header counts what waits), or one of its own.
  const outbox = useMemo(() => given || new Outbox(me.user_id), [given, me.user_id]);
  const book = useAnnotationBook({ documentId: doc?.id ?? null, userId: me.user_id, outbox });
  const sync = useAnnotationSync({ doc, book, outbox, meeting });
  const marks = usePresenterMarks(meeting.listen);
  const [words, setWords] = useState(null);
  const [card, setCard] = useState(null); // {kind: 'edit'|'share'|'unplaced', ...}
  const [unplacedGone, setUnplacedGone] = useState(new Set());
  const sender = useMemo(() => presenterSender(meeting.conn, () => ({ document_id: doc?.id, page })), [doc?.id, page]);

  useEffect(() => { tools.setTool(annotating ? 'pen' : 'hand'); }, [annotating]);
  useEffect(() => { if (!presented && PRESENTER_TOOLS.includes(tools.tool)) tools.setTool('pen'); }, [Boolean(presented)]);
  useEffect(() => { setCard(null); }, [doc?.id, page]);
  // Ctrl/⌘+Z undoes, with Shift (or Ctrl+Y) redoes, while the tools are open.
  useEffect(() => {
    if (!annotating) return undefined;
    const onKey = (e) => {
      if (!(e.ctrlKey || e.metaKey) || (e.target.closest && e.target.closest('input, textarea'))) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) { e.preventDefault(); book.undo(); }
      if ((k === 'z' && e.shiftKey) || k === 'y') { e.preventDefault(); book.redo(); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });
  // The page's words, fetched once the tools are open on the page (the highlighter snaps to them).
  useEffect(() => {
    setWords(null);
    if (!doc || !annotating) return undefined;
    let current = true;
    pageWords(doc.id, page).then((w) => { if (current) setWords(w); });
    return () => { current = false; };
  }, [doc?.id, doc?.sha256, page, annotating]);

  // A new annotation of mine on this page; `from` (a stroke split by the eraser) lends its
  // version, page and origin to the pieces.
  // The version the page shows: from the server, or from a new version announced since.
  const current = Math.max(sync.version || 1, doc?.version || 1);
  const create = (kind, color, data, from = null) => {
    const a = newAnnotation({ doc, version: current, page, me, kind, color, data });
    return from ? { ...a, version: from.version, page: from.page, origin: from.origin } : a;
  };

  const mine = (a) => !a || a.owner?.id === me.user_id;
  const draft = card?.kind === 'edit' ? card.draft : null;
  const save = (text) => {
    const a = draft.annotation;
    if (a) {
      book.apply([{ before: a, after: { ...a, data: { ...a.data, text } } }]);
    } else if (draft.kind === 'note') {
      book.apply([{ before: null, after: create('note', tools.colorFor('note'), { x: round(draft.x), y: round(draft.y), text }) }]);
    } else {
      const rect = textRect(draft);
      book.apply([{ before: null, after: create('text', tools.colorFor('text'), { rect, text, size: tools.widthFor('text') }) }]);
    }
    setCard(null);
  };
  const remove = () => {
    book.apply([{ before: draft.annotation, after: null }]);
    setCard(null);
  };
  const unplaced = sync.unplaced.filter((a) => !unplacedGone.has(a.id));

  let stageCard = null;
  if (draft) {
    stageCard = html`<${AnnotationEditor} key=${draft.annotation?.id || `${draft.x},${draft.y}`} draft=${draft}
      mine=${mine(draft.annotation)} onSave=${save} onDelete=${remove} onClose=${() => setCard(null)}
      onShare=${(a) => setCard({ kind: 'share', target: { annotation: a } })} />`;
  } else if (card?.kind === 'share') {
    stageCard = html`<${ShareCard} target=${card.target} participants=${participants} me=${me}
      onDone=${() => { setCard(null); sync.reload(); }} onClose=${() => setCard(null)} />`;
  } else if (card?.kind === 'unplaced' && unplaced.length) {
    stageCard = html`<${UnplacedList} doc=${doc} unplaced=${unplaced} onClose=${() => setCard(null)}
      onDelete=${(a) => { book.apply([{ before: a, after: null }]); setUnplacedGone(new Set([...unplacedGone, a.id])); }} />`;
  }
  const failed = sync.failed && html`<p class="annot-failed" role="alert" data-testid="annot-failed"
    onClick=${sync.dismissFailed}>${errorText(sync.failed)}</p>`;

  const overlay = doc && {
    frame: ({ ratio, baseWidth }) => html`
      <${AnnotationLayer} book=${book} tools=${tools} create=${create} doc=${doc} version=${sync.version ? current : null} page=${page} ratio=${ratio} baseWidth=${baseWidth}
        me=${me} words=${words} presenter=${presented ? sender : null}
        onPlace=${(kind, x, y, to) => setCard({ kind: 'edit', draft: { kind, x, y, to } })}
        onOpen=${(a) => setCard({ kind: 'edit', draft: { kind: a.kind, annotation: a } })} />
      <${PresenterMarks} marks=${marks} documentId=${doc.id} page=${page} ratio=${ratio} />`,
    stage: html`${stageCard}${failed}`,
  };
  return html`<${Viewer} doc=${doc} page=${page} ...${viewerProps} overlay=${overlay}
    tools=${annotating && doc && html`<${AnnotationToolbar} tools=${tools} book=${book} presenting=${Boolean(presented)}
      unplacedCount=${unplaced.length} waiting=${sync.waiting}
      onShareAll=${() => setCard({ kind: 'share', target: { documentId: doc.id } })}
      onUnplaced=${() => setCard({ kind: 'unplaced' })} />`}>${children}</${Viewer}>`;
}
