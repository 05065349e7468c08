// Ink as the pen leaves it: points smoothed as they come, pressure from the pen or, for a
// finger or a mouse, from the speed (faster is thinner, as with a real nib), and a stroke's
// outline whose width follows the pressure, drawn as one filled SVG path. Also what the
// eraser needs: how far a point is from a stroke, and the pieces a rub leaves.
// Coordinates here are page fractions (x of the width, y of the height) with `ratio` = the
// page's height over its width, so distances are measured in page widths.

export const MAX_POINTS = 4000;
// How a stroke's pressure (0..1) scales its nominal width: 0.5 draws exactly `width`.
const THIN = 0.3;
const THICK = 1.7;
export const widthAt = (width, p) => width * (THIN + (THICK - THIN) * Math.min(1, Math.max(0, p)));

// A pressure for input that has none: 0.6 when still, down to 0.3 when fast (page widths per
// second), eased so that a jerk does not snap the width.
export function simulatedPressure(prev, speed) {
  const target = Math.max(0.3, 0.6 - speed * 0.35);
  return prev === null ? 0.5 : prev + (target - prev) * 0.3;
}

// Follows the pointer with a little lag (streamlining) so a shaky hand draws a clean line;
// drops points closer than `minGap` page widths to the last one kept.
export class StrokeBuilder {
  constructor({ ratio, simulate, minGap = 0.0008, ease = 0.45 }) {
    this.ratio = ratio;
    this.simulate = simulate;
    this.minGap = minGap;
    this.ease = ease;
    this.points = [];
    this.last = null; // {x, y, t, p} as smoothed
  }

  add(x, y, pressure, t) {
    const last = this.last;
    let p = pressure;
    if (last === null) {
      if (this.simulate) p = 0.5;
      this.last = { x, y, t, p };
      this.points.push([round(x), round(y), round(p)]);
      return true;
    }
    const sx = last.x + (x - last.x) * (1 - this.ease);
    const sy = last.y + (y - last.y) * (1 - this.ease);
    const d = Math.hypot(sx - last.x, (sy - last.y) * this.ratio);
    if (d < this.minGap) return false;
    if (this.simulate) {
      const dt = Math.max(1, t - last.t) / 1000;
      p = simulatedPressure(last.p, d / dt);
    } else if (!(p > 0)) {
      p = last.p;
    }
    this.last = { x: sx, y: sy, t, p };
    this.points.push([round(sx), round(sy), round(p)]);
    return true;
  }

  // The pen lifted: the lag is taken up so the stroke ends where the pen did.
  finish(x, y) {
    if (this.last && this.points.length > 1) {
      const [lx, ly, lp] = this.points[this.points.length - 1];
      if (Math.hypot(x - lx, (y - ly) * this.ratio) > this.minGap) this.points.push([round(x), round(y), lp]);
    }
    return this.points;
  }

  get full() {
    return this.points.length >= MAX_POINTS;
  }
}

const round = (v) => Math.round(v * 1e5) / 1e5;

// The outline of a stroke as an SVG path in a viewBox of 1000 × 1000·ratio: the left edge
// forward, a round cap, the right edge back, a round cap. `constant` ignores pressure
// (the marker).
export function strokePath(points, width, ratio, constant = false) {
  const S = 1000;
  const pts = points.map(([x, y, p]) => ({ x: x * S, y: y * S * ratio, r: (widthAt(width, constant ? 0.5 : p) * S) / 2 }));
  if (pts.length === 0) return '';
  if (pts.length === 1 || pts.every((q) => Math.hypot(q.x - pts[0].x, q.y - pts[0].y) < 0.01)) {
    const { x, y, r } = pts[0];
    return `M${f(x - r)} ${f(y)}a${f(r)} ${f(r)} 0 1 0 ${f(2 * r)} 0a${f(r)} ${f(r)} 0 1 0 ${f(-2 * r)} 0Z`;
  }
  const left = [];
  const right = [];
  for (let i = 0; i < pts.length; i += 1) {
    const a = pts[Math.max(0, i - 1)];
    const b = pts[Math.min(pts.length - 1, i + 1)];
    let tx = b.x - a.x;
    let ty = b.y - a.y;
    const len = Math.hypot(tx, ty) || 1;
    tx /= len;
    ty /= len;
    const { x, y, r } = pts[i];
    left.push([x - ty * r, y + tx * r]);
    right.push([x + ty * r, y - tx * r]);
  }
  const end = pts[pts.length - 1];
  const start = pts[0];
  return `M${smooth(left)}A${f(end.r)} ${f(end.r)} 0 0 0 ${f(right[right.length - 1][0])} ${f(right[right.length - 1][1])}`
    + `L${smooth(right.reverse()).slice(0)}A${f(start.r)} ${f(start.r)} 0 0 0 ${f(left[0][0])} ${f(left[0][1])}Z`;
}

// A polyline through `pts` as quadratic curves between the midpoints (rounded corners).
function smooth(pts) {
  if (pts.length < 3) return pts.map(([x, y]) => `${f(x)} ${f(y)}`).join('L');
  let d = `${f(pts[0][0])} ${f(pts[0][1])}`;
  for (let i = 1; i < pts.length - 1; i += 1) {
    const [x, y] = pts[i];
    const [nx, ny] = pts[i + 1];
    d += `Q${f(x)} ${f(y)} ${f((x + nx) / 2)} ${f((y + ny) / 2)}`;
  }
  const [lx, ly] = pts[pts.length - 1];
  return `${d}L${f(lx)} ${f(ly)}`;
}

const f = (v) => (Math.round(v * 100) / 100).toString();

// Distance in page widths from (x, y) to the segment a–b (all page fractions).
function segmentDistance(x, y, a, b, ratio) {
  const ax = a[0];
  const ay = a[1] * ratio;
  const bx = b[0];
  const by = b[1] * ratio;
  const py = y * ratio;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const k = len2 ? Math.max(0, Math.min(1, ((x - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(x - (ax + k * dx), py - (ay + k * dy));
}

// Distance in page widths between the segments p–q and a–b: 0 where they cross.
function segmentsDistance(p, q, a, b, ratio) {
  const cross = (o, u, v) => (u[0] - o[0]) * (v[1] - o[1]) * ratio - (u[1] - o[1]) * ratio * (v[0] - o[0]);
  const d1 = cross(a, b, p);
  const d2 = cross(a, b, q);
  const d3 = cross(p, q, a);
  const d4 = cross(p, q, b);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(
    segmentDistance(p[0], p[1], a, b, ratio), segmentDistance(q[0], q[1], a, b, ratio),
    segmentDistance(a[0], a[1], p, q, ratio), segmentDistance(b[0], b[1], p, q, ratio),
  );
}

// Whether (x, y) lies within `slop` page widths of the stroke's drawn ink.
export function hitsStroke(points, width, ratio, x, y, slop) {
  const reach = width * THICK / 2 + slop;
  if (points.length === 1) return segmentDistance(x, y, points[0], points[0], ratio) <= reach;
  for (let i = 1; i < points.length; i += 1) {
    if (segmentDistance(x, y, points[i - 1], points[i], ratio) <= reach) return true;
  }
  return false;
}

// What a rub of the eraser along `path` (page fractions) leaves of a stroke: the runs of
// points it did not touch, each of two points or more (a segment the rub crossed between two
// untouched points is cut too). `null` when it touched nothing.
export function rubOut(points, width, ratio, path, radius) {
  const reach = radius + width / 2;
  const pointGone = (pt) => path.some((q, i) => segmentDistance(pt[0], pt[1], path[Math.max(0, i - 1)], q, ratio) <= reach);
  const segmentCut = (a, b) => path.some((q, i) => segmentsDistance(path[Math.max(0, i - 1)], q, a, b, ratio) <= reach);
  const gone = points.map(pointGone);
  const cut = points.map((pt, i) => i > 0 && !gone[i] && !gone[i - 1] && segmentCut(points[i - 1], pt));
  if (!gone.some(Boolean) && !cut.some(Boolean)) return null;
  const pieces = [];
  let run = [];
  const close = () => {
    if (run.length >= 2) pieces.push(run);
    run = [];
  };
  points.forEach((pt, i) => {
    if (gone[i]) { close(); return; }
    if (cut[i]) close();
    run.push(pt);
  });
  close();
  return pieces;
}
