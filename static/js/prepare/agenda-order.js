// The agenda's order as the secretary rearranges it: a tree of items, each with its sub-items
// (one level), built from the snapshot's items (in order, with parent_id); every move gives a
// new tree (or null when the move is not possible), sent whole to PUT /api/meetings/{id}/agenda.

export function treeOf(items) {
  const top = items.filter((i) => !i.parent_id).map((i) => ({ id: i.id, children: [] }));
  const byId = new Map(top.map((n) => [n.id, n]));
  for (const i of items) if (i.parent_id && byId.has(i.parent_id)) byId.get(i.parent_id).children.push(i.id);
  return top;
}

export const payload = (tree) => tree.map((n) => ({ id: n.id, children: n.children }));

const copy = (tree) => tree.map((n) => ({ id: n.id, children: [...n.children] }));

// The list an item sits in (the top level, or its item's sub-items) and its place there.
function locate(tree, id) {
  const top = tree.findIndex((n) => n.id === id);
  if (top >= 0) return { list: tree, index: top, parent: null };
  for (const node of tree) {
    const index = node.children.indexOf(id);
    if (index >= 0) return { list: node.children, index, parent: node };
  }
  return null;
}

// One place up (-1) or down (+1) among its siblings; a main item takes its sub-items along.
export function move(tree, id, delta) {
  const next = copy(tree);
  const at = locate(next, id);
  const to = at && at.index + delta;
  if (!at || to < 0 || to >= at.list.length) return null;
  const [entry] = at.list.splice(at.index, 1);
  at.list.splice(to, 0, entry);
  return next;
}

// A main item without sub-items becomes the last sub-item of the item above it.
export function indent(tree, id) {
  const next = copy(tree);
  const at = locate(next, id);
  if (!at || at.parent || at.index === 0 || next[at.index].children.length) return null;
  next.splice(at.index, 1);
  next[at.index - 1].children.push(id);
  return next;
}

// A sub-item becomes a main item, right after the item it was under.
export function outdent(tree, id) {
  const next = copy(tree);
  const at = locate(next, id);
  if (!at || !at.parent) return null;
  at.list.splice(at.index, 1);
  next.splice(next.indexOf(at.parent) + 1, 0, { id, children: [] });
  return next;
}

// Dropped on another item: it takes that item's place among that item's siblings (after it
// when it came from above in the same list), as long as the agenda keeps one level.
export function dropOn(tree, id, targetId) {
  if (id === targetId) return null;
  const next = copy(tree);
  const from = locate(next, id);
  const target = locate(next, targetId);
  if (!from || !target) return null;
  const node = from.parent ? { id, children: [] } : next[from.index];
  if (target.parent && node.children.length) return null; // an item with sub-items stays main
  if (target.parent && target.parent.id === id) return null;
  const after = from.list === target.list && from.index < target.index;
  from.list.splice(from.index, 1);
  const place = locate(next, targetId);
  place.list.splice(place.index + (after ? 1 : 0), 0, place.parent ? id : node);
  return next;
}
