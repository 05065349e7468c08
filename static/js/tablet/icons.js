// The toolbar's pictures as inline SVG (no icon font, no emoji font needed on the tablet).

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';

const PATHS = {
  agenda: 'M4 6h16M4 12h16M4 18h16',
  search: 'M10.5 17a6.5 6.5 0 1 1 0-13 6.5 6.5 0 0 1 0 13zM15.5 15.5L20 20',
  vote: 'M4 13l4 4L20 5',
  speakers: 'M12 3a3 3 0 0 1 3 3v5a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3zM6 11a6 6 0 0 0 12 0M12 17v4M8 21h8',
  notes: 'M5 4h11l3 3v13H5zM8 10h8M8 14h8M8 18h5',
  console: 'M4 5h16v11H4zM9 20h6M12 16v4',
  fitWidth: 'M3 12h18M3 12l4-4M3 12l4 4M21 12l-4-4M21 12l-4 4',
  fitPage: 'M6 3h12v18H6zM12 7v10M12 7l-2 2M12 7l2 2M12 17l-2-2M12 17l2-2',
  thumbs: 'M4 15h4v5H4zM10 15h4v5h-4zM16 15h4v5h-4zM4 4h16v8H4z',
  back: 'M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3',
  close: 'M6 6l12 12M18 6L6 18',
  hand: 'M8 13V5.5a1.5 1.5 0 0 1 3 0V12M11 11V4a1.5 1.5 0 0 1 3 0v7M14 11V5.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7 6 6 0 0 1-5-3l-2.5-4.5a1.5 1.5 0 0 1 2.5-1.5L8 15',
  pen: 'M4 20l1-5L16 4l4 4L9 19zM14 6l4 4',
  marker: 'M5 20h6M7 17l-2 3M7 17l3 0 9-9-3-3-9 9zM14 7l3 3',
  highlight: 'M4 20h16M6 16l8-11 4 3-8 11H6z',
  note: 'M4 4h16v11l-5 5H4zM15 20v-5h5',
  textBox: 'M5 5h14M12 5v14M9 19h6',
  eraser: 'M8 20h12M4 15l9-10 7 6-8 9H9zM9 10l7 6',
  laser: 'M12 12m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0M12 2v4M12 18v4M2 12h4M18 12h4',
  present: 'M3 4h18v12H3zM8 21l4-5 4 5M7 12c2-3 4 1 6-2s3 0 4-1',
  keep: 'M8 3h8l-1 6 3 3H6l3-3zM12 12v9',
  share: 'M18 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4',
  unplaced: 'M12 3l9 16H3zM12 10v4M12 17v.5',
  undo: 'M9 7L4 12l5 5M4 12h11a5 5 0 0 1 0 10h-2',
  redo: 'M15 7l5 5-5 5M20 12H9a5 5 0 0 0 0 10h2',
  saved: 'M12 3v11M7 9l5 5 5-5M5 20h14',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
};

export function icon(name) {
  return html`<svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"
    fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
    <path d=${PATHS[name]} /></svg>`;
}
