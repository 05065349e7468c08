// What a speaker said on one turn, in the secretary's words, for the minutes ("Ý kiến phát
// biểu"): a text box saved when it loses focus or with its Save button, saying whether it is
// saved. Used beside the speakers' list in the console and on the minutes page. The text is
// kept as typed, in the body's language, whatever the language of the screen.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { put } from '../api.js';
import { t } from '../i18n.js';
import { ErrorBox } from './feedback.js';

export const STATEMENT_LIMIT = 4000;

// `pending` (optional): a Set the box puts its save in while it runs, for a page that must
// wait for it (the minutes' preview). `onSaved(turn)` gets the turn with the saved text.
export function StatementBox({ turn, disabled = false, pending = null, onSaved = null, rows = 3 }) {
  const [text, setText] = useState(turn.statement || '');
  const [stage, setStage] = useState('idle'); // idle | saving | saved
  const [error, setError] = useState(null);
  const saved = useRef(turn.statement || '');
  const typing = useRef(false);

  // A change from elsewhere (the other screen, a reload) shows unless something is typed here.
  useEffect(() => {
    const fresh = turn.statement || '';
    if (fresh === saved.current) return;
    saved.current = fresh;
    if (!typing.current || text === fresh) setText(fresh);
  }, [turn.statement]);

  const inflight = useRef(null);
  const dirty = text.trim() !== saved.current;
  async function save() {
    // Leaving the box for its own Save button would save twice: once is enough.
    if (!dirty || disabled || inflight.current === text) return;
    inflight.current = text;
    setStage('saving');
    setError(null);
    const request = put(`/api/speakers/${turn.id}/statement`, { statement: text });
    pending?.add(request);
    try {
      const answer = await request;
      saved.current = answer.statement;
      typing.current = false;
      setText(answer.statement);
      setStage('saved');
      onSaved?.({ ...turn, statement: answer.statement });
    } catch (err) {
      setError(err);
      setStage('idle');
    } finally {
      inflight.current = null;
      pending?.delete(request);
    }
  }

  const state = stage === 'saving' ? 'saving' : error ? 'error' : dirty ? 'unsaved'
    : stage === 'saved' ? 'saved' : 'idle';
  const label = t('statement.of', { name: turn.full_name });
  // The box grows with what is typed (about 60 characters a line), up to eight lines.
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 60)), 0);
  return html`
    <div class="statement" data-testid=${`statement-${turn.id}`} data-state=${state}>
      <label class="statement-label" for=${`statement-text-${turn.id}`}>
        <span class="statement-name">${turn.full_name}</span>
        ${turn.status === 'speaking' && html`<span class="badge badge-ok">${t('speakers.now')}</span>`}
      </label>
      <textarea id=${`statement-text-${turn.id}`} rows=${Math.min(8, Math.max(rows, lines))} maxlength=${STATEMENT_LIMIT}
        value=${text} disabled=${disabled} aria-label=${label}
        placeholder=${t('statement.placeholder')} data-testid=${`statement-text-${turn.id}`}
        onInput=${(e) => { typing.current = true; setText(e.target.value); if (stage === 'saved') setStage('idle'); }}
        onBlur=${save}></textarea>
      <div class="row statement-foot">
        <span class="small muted grow" data-testid=${`statement-state-${turn.id}`}>
          ${state === 'saving' ? t('common.saving')
            : state === 'unsaved' ? t('minutes.unsaved')
            : state === 'saved' ? html`<span class="ok-text">${t('common.saved')}</span>`
            : ''}
          ${text.length > STATEMENT_LIMIT * 0.9 && html` ${t('statement.count', { n: text.length, max: STATEMENT_LIMIT })}`}
        </span>
        ${!disabled && html`<button type="button" class="btn btn-small" disabled=${!dirty || stage === 'saving'}
          data-testid=${`statement-save-${turn.id}`} onClick=${save}>${t('common.save')}</button>`}
      </div>
      <${ErrorBox} error=${error} testid=${`statement-error-${turn.id}`} />
    </div>`;
}
