// The row of annotation tools under the reader's toolbar: browse (the hand), pen, marker,
// highlighter, sticky note, text box, eraser; for whoever presents, on the presented page,
// the laser pointer, ink for the room and whether it stays after a page turn; the colour and
// width of the tool in hand in a small palette; undo and redo; sharing all mine on this
// document; my annotations a new version could not place. Every button is a 44 px target.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../../i18n.js';
import { icon } from '../icons.js';
import { COLORS, hasColors, hasWidths, PRESENTER_TOOLS, TOOLS, WIDTHS } from './tools.js';

const ICON = {
  hand: 'hand', pen: 'pen', marker: 'marker', highlight: 'highlight', note: 'note', text: 'textBox',
  eraser: 'eraser', laser: 'laser', present: 'present',
};

function ToolButton({ name, tools, onPick }) {
  const on = tools.tool === name;
  return html`<button type="button" data-testid=${`annot-tool-${name}`}
    class=${`btn btn-tool annot-tool${on ? ' tool-open' : ''}`} aria-pressed=${on}
    aria-label=${t(`annot.tool.${name}`)} title=${t(`annot.tool.${name}`)}
    onClick=${() => { tools.setTool(name); onPick(); }}>${icon(ICON[name])}</button>`;
}

export function AnnotationToolbar({ tools, book, presenting, unplacedCount, waiting, onShareAll, onUnplaced }) {
  const [palette, setPalette] = useState(false);
  const { tool } = tools;
  const color = tools.colorFor(tool);
  const styled = hasColors(tool);
  const close = () => setPalette(false);
  return html`
    <div class="annot-tools" role="toolbar" aria-label=${t('annot.tools')} data-testid="annot-tools">
      <span class="annot-tool-group">
        ${TOOLS.map((name) => html`<${ToolButton} key=${name} name=${name} tools=${tools} onPick=${close} />`)}
      </span>
      ${presenting && html`<span class="annot-tool-group annot-presenter" aria-label=${t('annot.presenter')}>
        ${PRESENTER_TOOLS.map((name) => html`<${ToolButton} key=${name} name=${name} tools=${tools} onPick=${close} />`)}
        <button type="button" class=${`btn btn-tool${tools.keep ? ' tool-open' : ''}`} data-testid="annot-presenter-keep"
          aria-pressed=${tools.keep} aria-label=${t('annot.keep')} title=${t('annot.keep')}
          onClick=${() => tools.setKeep(!tools.keep)}>${icon('keep')}</button>
      </span>`}
      <span class="annot-tool-group">
        <button type="button" class="btn btn-tool annot-style" data-testid="annot-style" disabled=${!styled}
          aria-expanded=${palette} aria-label=${t('annot.style')} title=${t('annot.style')}
          onClick=${() => setPalette(!palette)}>
          <span class="annot-swatch" style=${`background:${styled ? color : 'transparent'}`}></span></button>
        <button type="button" class="btn btn-tool" data-testid="annot-undo" disabled=${!book.canUndo}
          aria-label=${t('annot.undo')} title=${t('annot.undo')} onClick=${book.undo}>${icon('undo')}</button>
        <button type="button" class="btn btn-tool" data-testid="annot-redo" disabled=${!book.canRedo}
          aria-label=${t('annot.redo')} title=${t('annot.redo')} onClick=${book.redo}>${icon('redo')}</button>
        ${waiting > 0 && html`<span class="annot-waiting small" data-testid="annot-waiting" role="status"
          title=${t('annot.waiting', { count: waiting })}>${t('annot.waiting_short', { count: waiting })}</span>`}
        <button type="button" class="btn btn-tool" data-testid="annot-share-all" aria-label=${t('annot.share_all')}
          title=${t('annot.share_all')} onClick=${onShareAll}>${icon('share')}</button>
        ${unplacedCount > 0 && html`<button type="button" class="btn btn-tool annot-unplaced-toggle"
          data-testid="annot-unplaced-toggle" aria-label=${t('annot.unplaced_title', { count: unplacedCount })}
          title=${t('annot.unplaced_title', { count: unplacedCount })} onClick=${onUnplaced}>
          ${icon('unplaced')}<span class="annot-count">${unplacedCount}</span></button>`}
      </span>
      ${palette && styled && html`<div class="annot-palette" data-testid="annot-palette" role="group"
        aria-label=${t('annot.style')}>
        ${COLORS.map((c, i) => html`<button type="button" key=${c} data-testid=${`annot-color-${i}`}
          class=${`annot-color${c === color ? ' chosen' : ''}`} style=${`--c:${c}`} aria-pressed=${c === color}
          aria-label=${t(`annot.color.${i}`)} title=${t(`annot.color.${i}`)}
          onClick=${() => tools.setColor(c)}></button>`)}
        ${hasWidths(tool) && WIDTHS[tool].map((w, i) => html`<button type="button" key=${w}
          data-testid=${`annot-width-${i}`} class=${`annot-width${i === tools.widthIndexFor(tool) ? ' chosen' : ''}`}
          aria-pressed=${i === tools.widthIndexFor(tool)} aria-label=${t(`annot.width.${i}`)} title=${t(`annot.width.${i}`)}
          onClick=${() => tools.setWidth(i)}><span style=${`height:${2 + i * 3}px;background:${color}`}></span></button>`)}
      </div>`}
    </div>`;
}
