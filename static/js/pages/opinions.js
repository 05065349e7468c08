// /opinions and /opinions/{id}: written opinion forms (phiếu lấy ý kiến) between meetings.
// A member reads the question and its documents and answers once (yes, no or abstain, with
// a comment) before the deadline. The body's secretariat drafts a form, attaches PDFs, sends
// it, follows who has answered and closes it; the result is computed on the server.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post, upload } from '../api.js';
import { formatDateTime, localInputToIso } from '../format.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { useMe } from '../session.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { CHOICES, Outcome } from '../ui/vote-result.js';

function StatusTag({ status }) {
  return html`<span class=${`badge opinion-${status}`} data-testid="opinion-status"
    data-status=${status}>${t(`opinions.status_${status}`)}</span>`;
}

function CreateOpinion({ bodies }) {
  const [form, setForm] = useState({ body_id: bodies[0].id, question: '', details: '', deadline: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });
  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { opinion } = await post(`/api/bodies/${Number(form.body_id)}/opinions`, {
        question: form.question.trim(), details: form.details.trim(),
        deadline: localInputToIso(form.deadline),
      });
      navigate(`/opinions/${opinion.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return html`
    <form class="card form-grid" onSubmit=${submit} data-testid="opinion-create">
      <h2>${t('opinions.new')}</h2>
      <label class="field span-2"><span>${t('opinions.question')}</span>
        <input required value=${form.question} onInput=${set('question')} data-testid="opinion-question" /></label>
      <label class="field span-2"><span>${t('opinions.details')}</span>
        <textarea rows="3" value=${form.details} onInput=${set('details')} data-testid="opinion-details"></textarea></label>
      <label class="field"><span>${t('meetings.field_body')}</span>
        <select value=${form.body_id} onChange=${set('body_id')}>
          ${bodies.map((b) => html`<option value=${b.id}>${b.name}</option>`)}
        </select></label>
      <label class="field"><span>${t('opinions.deadline')}</span>
        <input type="datetime-local" required value=${form.deadline} onInput=${set('deadline')}
          data-testid="opinion-deadline" /></label>
      <div class="span-2"><${ErrorBox} error=${error} />
        <button class="btn btn-primary" type="submit" disabled=${busy}
          data-testid="opinion-submit">${busy ? t('common.working') : t('opinions.create')}</button></div>
    </form>`;
}

export function OpinionsPage() {
  const me = useMe();
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get('/api/opinions').then((r) => setList(r.opinions), setError); }, []);
  return html`
    <${AppHeader} title=${t('opinions.title')} />
    <main class="page">
      <p><a href="/meetings">${t('nav.back_meetings')}</a></p>
      <${ErrorBox} error=${error} />
      ${list === null && !error && html`<${Loading} />`}
      ${list && list.length === 0 && html`<p class="muted" data-testid="opinions-none">${t('opinions.none')}</p>`}
      ${list && list.length > 0 && html`<ul class="meeting-list">${list.map((o) => html`
        <li key=${o.id} class="card meeting-card" data-testid=${`opinion-${o.id}`}>
          <div class="meeting-card-head">
            <h2><a href=${`/opinions/${o.id}`}>${o.question}</a></h2><${StatusTag} status=${o.status} />
          </div>
          <p class="muted">${o.body} · ${t('opinions.deadline_at', { when: formatDateTime(o.deadline) })}</p>
          <p>${o.my_answer ? t('opinions.answered_mine', { choice: t(`record.opinion_choice.${o.my_answer.choice}`) })
            : o.may_answer ? html`<strong>${t('opinions.to_answer')}</strong>` : ''}
            ${o.manage && o.status !== 'draft' ? ` ${t('opinions.count', { n: o.answered, of: o.eligible })}` : ''}</p>
        </li>`)}</ul>`}
      ${me && me.can_prepare.length > 0 && html`<${CreateOpinion} bodies=${me.can_prepare} />`}
    </main>`;
}

function AnswerForm({ opinion, reload }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  async function answer(choice) {
    setBusy(choice);
    setError(null);
    try {
      await post(`/api/opinions/${opinion.id}/answers`, { choice, comment: comment.trim() });
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  return html`
    <section class="card" data-testid="opinion-answer">
      <h2>${t('opinions.your_answer')}</h2>
      <label class="field"><span>${t('opinions.comment')}</span>
        <textarea rows="3" value=${comment} onInput=${(e) => setComment(e.target.value)}
          data-testid="opinion-comment"></textarea></label>
      <div class="ballot-buttons">${CHOICES.map((c) => html`
        <button type="button" key=${c} class=${`btn btn-vote vote-${c}`} data-testid=${`opinion-${c}`}
          disabled=${busy !== null} onClick=${() => answer(c)}>${t(`record.opinion_choice.${c}`)}</button>`)}</div>
      <p class="muted small">${t('opinions.final')}</p>
      <${ErrorBox} error=${error} testid="opinion-error" />
    </section>`;
}

function Manage({ opinion, reload }) {
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const file = useRef(null);
  const run = async (name, fn) => {
    setBusy(name);
    setError(null);
    try {
      await fn();
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const attach = () => run('attach', () => {
    const chosen = file.current?.files?.[0];
    if (!chosen) return Promise.resolve();
    const form = new FormData();
    form.append('file', chosen);
    return upload(`/api/opinions/${opinion.id}/documents`, form, () => {});
  });
  return html`
    <section class="card" data-testid="opinion-manage">
      ${opinion.status === 'draft' && html`
        <div class="row wrap">
          <input type="file" accept="application/pdf" ref=${file} data-testid="opinion-file" />
          <button type="button" class="btn" disabled=${busy !== null} data-testid="opinion-attach"
            onClick=${attach}>${t('opinions.attach')}</button>
          <button type="button" class="btn btn-primary" disabled=${busy !== null} data-testid="opinion-send"
            onClick=${() => run('send', () => post(`/api/opinions/${opinion.id}/send`))}>${t('opinions.send')}</button>
        </div>`}
      ${opinion.voters && html`
        <h2>${t('opinions.count', { n: opinion.answered, of: opinion.eligible })}</h2>
        <ul class="plain-list" data-testid="opinion-voters">${opinion.voters.map((v) => html`
          <li key=${v.user_id}>${v.full_name}: <strong>${v.choice ? t(`record.opinion_choice.${v.choice}`) : t('opinions.no_answer')}</strong>
            ${v.comment && html` <span class="muted">“${v.comment}”</span>`}</li>`)}</ul>`}
      ${opinion.status === 'open' && html`
        <button type="button" class="btn btn-danger" disabled=${busy !== null} data-testid="opinion-close"
          onClick=${() => run('close', () => post(`/api/opinions/${opinion.id}/close`))}>${t('opinions.close')}</button>`}
      <${ErrorBox} error=${error} testid="opinion-manage-error" />
    </section>`;
}

export function OpinionPage({ id }) {
  const [opinion, setOpinion] = useState(null);
  const [error, setError] = useState(null);
  const reload = () => get(`/api/opinions/${id}`).then((r) => setOpinion(r.opinion), setError);
  useEffect(() => { reload(); }, [id]);
  const o = opinion;
  return html`
    <${AppHeader} title=${t('opinions.title')} />
    <main class="page narrow">
      <p><a href="/opinions">${t('opinions.back')}</a></p>
      <${ErrorBox} error=${error} />
      ${!o && !error && html`<${Loading} />`}
      ${o && html`
        <section class="card" data-testid="opinion-detail" data-id=${o.id}>
          <div class="meeting-card-head"><h2 data-testid="opinion-title">${o.question}</h2><${StatusTag} status=${o.status} /></div>
          <p class="muted">${o.body} · ${t('opinions.deadline_at', { when: formatDateTime(o.deadline) })}</p>
          ${o.details && html`<p class="prewrap">${o.details}</p>`}
          ${o.documents.length > 0 && html`<h3>${t('opinions.documents')}</h3>
            <ul class="plain-list">${o.documents.map((d) => html`<li key=${d.id}>
              <a href=${`/api/opinions/${o.id}/documents/${d.id}`} target="_blank" rel="noopener"
                data-testid=${`opinion-doc-${d.id}`}>${d.title}</a>
              <span class="muted small"> · ${t('common.pages', { n: d.page_count })}</span></li>`)}</ul>`}
          <p class="muted small">${t('opinions.rule', { rule: o.rule })}</p>
          ${o.my_answer && html`<p class="notice notice-info" data-testid="opinion-mine" data-choice=${o.my_answer.choice}>
            ${t('opinions.answered_mine', { choice: t(`record.opinion_choice.${o.my_answer.choice}`) })}</p>`}
          ${o.result && html`<div data-testid="opinion-result">
            <p>${t('vote.cast_of', { cast: o.result.yes + o.result.no + o.result.abstain, eligible: o.eligible })}:
              ${CHOICES.map((c) => `${t(`record.opinion_choice.${c}`)} ${o.result[c]}`).join(' · ')}</p>
            <${Outcome} passed=${o.result.passed} /></div>`}
        </section>
        ${o.may_answer && html`<${AnswerForm} opinion=${o} reload=${reload} />`}
        ${o.manage && html`<${Manage} opinion=${o} reload=${reload} />`}`}
    </main>`;
}
