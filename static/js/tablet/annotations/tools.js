// The annotation tools and their settings: which tool is in hand, and for each its colour
// and one of three widths (kept in localStorage: a member who likes a thin blue pen finds it
// again tomorrow).

import { useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';

export const TOOLS = ['hand', 'pen', 'marker', 'highlight', 'note', 'text', 'eraser'];
export const COLORS = ['#212121', '#1565c0', '#d32f2f', '#2e7d32', '#f9a825', '#8e24aa'];
// Fractions of the page's width: the pen's and the marker's nominal stroke widths, the
// text box's font size.
export const WIDTHS = {
  pen: [0.0018, 0.0032, 0.0056],
  marker: [0.012, 0.02, 0.03],
  text: [0.014, 0.018, 0.025],
  present: [0.003, 0.005, 0.008],
};
// The presenter's tools, offered to whoever may present, on the presented page.
export const PRESENTER_TOOLS = ['laser', 'present'];
const DEFAULTS = {
  pen: { color: '#1565c0', width: 1 },
  marker: { color: '#f9a825', width: 1 },
  highlight: { color: '#f9a825', width: 1 },
  note: { color: '#f9a825', width: 1 },
  text: { color: '#d32f2f', width: 1 },
  present: { color: '#d32f2f', width: 1 },
};
const KEY = 'phonghop.annotations.tools';

function stored() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '{}');
    return { ...DEFAULTS, ...(v && typeof v === 'object' ? v : {}) };
  } catch {
    return { ...DEFAULTS };
  }
}

export const hasWidths = (tool) => tool in WIDTHS;
export const hasColors = (tool) => tool in DEFAULTS;

export function useTools() {
  const [tool, setTool] = useState('hand');
  const [settings, setSettings] = useState(stored);
  // The presenter's ink stays after a page turn only when asked.
  const [keep, setKeep] = useState(false);
  const change = (patch) => {
    const next = { ...settings, [tool]: { ...settings[tool], ...patch } };
    setSettings(next);
    try { localStorage.setItem(KEY, JSON.stringify(next)); } catch { /* this page only */ }
  };
  return {
    tool,
    setTool,
    keep,
    setKeep,
    colorFor: (name) => (settings[name] || DEFAULTS.pen).color,
    widthIndexFor: (name) => (settings[name] || DEFAULTS.pen).width,
    widthFor: (name) => (WIDTHS[name] || WIDTHS.pen)[(settings[name] || DEFAULTS.pen).width] ?? WIDTHS.pen[1],
    setColor: (color) => change({ color }),
    setWidth: (width) => change({ width }),
  };
}
