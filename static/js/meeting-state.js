// A meeting as a tablet holds it: the snapshot, then every publication applied to it.
// Publications carry absolute state (a page, a count), so applying one is a plain
// replacement; these functions never mutate their input.

export function fromSnapshot(snap, previous = null) {
  return {
    ...snap,
    speakers: snap.speakers ? withOffset(snap.speakers) : previous?.speakers,
    screen: snap.screen ? withOffset(snap.screen) : previous?.screen,
    presence: snap.presence ? snap.presence.connections : previous?.presence || [],
    notes: previous?.notes || {}, // document id -> my notes, loaded when a document is opened
    justClosed: previous?.justClosed || null, // the vote that closed while we watched
  };
}

// After `agenda.changed`: take only the agenda and the people (with their counts) from a
// fresh snapshot, so a slower HTTP answer cannot roll back the presentation or a vote seen
// meanwhile.
export function withAgenda(state, snap) {
  return {
    ...state,
    items: snap.items,
    participants: snap.participants,
    attendance: snap.attendance,
    quorum: snap.quorum,
    withdrawn_documents: snap.withdrawn_documents,
    offline: snap.offline,
    meeting: { ...state.meeting, published_at: snap.meeting.published_at },
  };
}

function upsert(list, entry, key = 'id') {
  const rest = (list || []).filter((x) => x[key] !== entry[key]);
  return [...rest, entry].sort((a, b) => a[key] - b[key]);
}

const handlers = {
  'meeting.status': (s, d) => ({ ...s, meeting: { ...s.meeting, ...d } }),
  // The page reloads the agenda over HTTP; a new document is kept by id meanwhile (the
  // secretary's upload shows "page 1 ready" from it).
  'agenda.changed': (s, d) => (d.document
    ? { ...s, announced: { ...(s.announced || {}), [d.document.id]: d.document } } : s),
  // While the meeting runs: what the secretary changed in the agenda, newest last.
  'agenda.amended': (s, d) => ({ ...s, amendments: [...(s.amendments || []), d].slice(-5) }),
  'documents.published': (s, d) => ({
    ...s, meeting: { ...s.meeting, published_at: d.published_at }, justPublished: d,
  }),
  // Pages pre-rendered so far, per document (staff channel).
  'document.progress': (s, d) => ({ ...s, docProgress: { ...(s.docProgress || {}), [d.document_id]: d } }),
  // A meeting made confidential: its pages leave the tablet (offline/prefetch.js).
  'documents.policy': (s, d) => ({
    ...s, documentPolicy: d,
    offline: s.offline && {
      ...s.offline, allowed: !d.confidential && s.meeting.status !== 'sealed', confidential: d.confidential,
    },
  }),
  // Uploads on their way in, by id (staff channel); a dismissed one is kept as such.
  'upload.status': (s, d) => ({ ...s, uploads: { ...(s.uploads || {}), [d.id]: d } }),
  // What the room screen shows besides the page (a vote's result, until when).
  'screen.changed': (s, d) => ({ ...s, screen: withOffset(d) }),
  // Staff channel: the invitation panel reloads when this count moves.
  'invitations.changed': (s) => ({ ...s, invitationsChanged: (s.invitationsChanged || 0) + 1 }),
  // A new version: its page count and file hash (the images' addresses change with it).
  'document.version': (s, d) => ({
    ...s,
    versions: { ...(s.versions || {}), [d.document_id]: d },
    items: s.items.map((i) => ({
      ...i,
      documents: i.documents.map((doc) => (doc.id === d.document_id
        ? { ...doc, page_count: d.page_count, sha256: d.original_sha256, version: d.version,
          late: d.late ?? doc.late } : doc)),
    })),
  }),
  presentation: (s, d) => ({ ...s, presentation: d, justClosed: null }),
  attendance: (s, d) => ({
    ...s,
    participants: s.participants.map((p) => (p.user_id === d.user_id ? {
      ...p,
      checked_in: d.checked_in,
      attendance: d.attendance ?? p.attendance,
      absence_reason: d.absence_reason ?? p.absence_reason,
      proxy_user_id: d.proxy_user_id !== undefined ? d.proxy_user_id : p.proxy_user_id,
    } : p)),
    quorum: d.quorum ?? s.quorum,
  }),
  // `proxies` names every proxy held in this vote; keep those held by me as second ballots.
  'vote.opened': (s, d) => ({
    ...s,
    open_vote: {
      cast: 0, my_choice: null, tally: { yes: 0, no: 0, abstain: 0 }, ...d,
      proxy_for: (d.proxies || []).filter((x) => x.proxy_user_id === s.me?.user_id)
        .map((x) => ({ user_id: x.user_id, full_name: x.full_name, voted: false, choice: null, marks: null })),
    },
    justClosed: null,
  }),
  'vote.progress': (s, d) => (s.open_vote?.id === d.vote_id
    ? { ...s, open_vote: { ...s.open_vote, cast: d.cast, eligible: d.eligible } } : s),
  'vote.tally': (s, d) => (s.open_vote?.id === d.vote_id
    ? { ...s, open_vote: { ...s.open_vote, cast: d.cast, tally: d.tally,
      not_voted: d.not_voted ?? s.open_vote.not_voted } } : s),
  'vote.closed': (s, d) => ({
    ...s,
    open_vote: s.open_vote?.id === d.id ? null : s.open_vote,
    votes: upsert(s.votes, d),
    justClosed: d,
  }),
  'ballot.accepted': (s, d) => {
    const vote = s.open_vote;
    if (vote?.id !== d.vote_id) return s;
    if (d.for_user) {
      const proxyFor = (vote.proxy_for || []).map((x) => (x.user_id === d.for_user
        ? { ...x, voted: true, choice: d.choice ?? null, marks: d.marks ?? null } : x));
      return { ...s, open_vote: { ...vote, proxy_for: proxyFor } };
    }
    return { ...s, open_vote: { ...vote, voted: true, my_choice: d.choice ?? null, my_marks: d.marks ?? null } };
  },
  'note.saved': (s, d) => (s.notes[d.document_id]
    ? { ...s, notes: { ...s.notes, [d.document_id]: upsert(s.notes[d.document_id], d) } } : s),
  'note.deleted': (s, d) => (s.notes[d.document_id]
    ? {
      ...s,
      notes: { ...s.notes, [d.document_id]: s.notes[d.document_id].filter((n) => n.id !== d.id) },
    } : s),
  'minutes.sealed': (s, d) => ({ ...s, meeting: { ...s.meeting, status: 'sealed' }, minutes: d }),
  // The speakers' list; `offset` is the server's clock minus ours, for the countdown.
  // The staff channel's copy adds the current item's turns with their statements: only they
  // are taken from it, never its queue (the two channels are not ordered with each other).
  'speakers.changed': (s, d) => (d.turns !== undefined
    ? { ...s, speakers: { ...(s.speakers || { queue: [] }), turns: d.turns, turns_item_id: d.turns_item_id } }
    : {
      ...s,
      speakers: {
        ...withOffset(d),
        mine: s.speakers?.mine || [],
        turns: s.speakers?.turns,
        turns_item_id: s.speakers?.turns_item_id,
      },
    }),
  'speakers.mine': (s, d) => ({ ...s, speakers: { ...(s.speakers || { queue: [] }), mine: d.mine } }),
  'speaker.started': (s, d) => ({
    ...s,
    speakers: { ...(s.speakers || { queue: [] }), current: d, offset: withOffset(d).offset },
  }),
  'speaker.ended': (s, d) => ({
    ...s,
    speakers: {
      ...(s.speakers || { queue: [] }),
      current: s.speakers?.current?.id === d.id ? null : s.speakers?.current || null,
      lastEnded: { ...d, full_name: s.speakers?.current?.id === d.id ? s.speakers.current.full_name : '' },
    },
  }),
};

function withOffset(d) {
  const server = Date.parse(d.server_time || '');
  return { ...d, offset: Number.isNaN(server) ? 0 : server - Date.now() };
}

export function applyPublication(state, pub) {
  const handle = handlers[pub.type];
  if (!state || !handle) return state;
  return handle(state, pub.data);
}

// --- questions the pages ask of the state ---------------------------------------------

export function findDocument(state, documentId) {
  for (const item of state?.items || []) {
    const doc = item.documents.find((d) => d.id === documentId);
    if (doc) return { item, doc };
  }
  return null;
}

export function findItem(state, itemId) {
  return (state?.items || []).find((i) => i.id === itemId) || null;
}

// The closed vote whose result the room screen shows now, or null: none is up, its time
// (counted on the server's clock) has passed, or the meeting is not running.
export function resultOnScreen(state, now = Date.now()) {
  const up = state?.screen?.result;
  if (!up || state.meeting?.status !== 'running') return null;
  if (up.until && Date.parse(up.until) <= now + (state.screen.offset || 0)) return null;
  return (state.votes || []).find((v) => v.id === up.vote_id) || null;
}

// Milliseconds until the result up now comes down by itself; null: it does not.
export function resultLeftMs(state, now = Date.now()) {
  const until = state?.screen?.result?.until;
  return until ? Date.parse(until) - (now + (state.screen.offset || 0)) : null;
}

export function lastClosedVote(state) {
  const closed = (state?.votes || []).filter((v) => v.status === 'closed');
  return closed.length ? closed[closed.length - 1] : null;
}

// Who counts, as the server decides it (meetings/roster.py): chair and members vote and make
// the quorum; a participant is present when the recorded attendance says present or remote.
export const STAFF_ROLES = ['secretary', 'chair'];
export const VOTER_ROLES = ['chair', 'member'];
export const PRESENT_STATES = ['present', 'remote'];
export const AWAY_STATES = ['absent', 'excused'];
export const isPresent = (p) => PRESENT_STATES.includes(p?.attendance);
export const isAway = (p) => AWAY_STATES.includes(p?.attendance);
