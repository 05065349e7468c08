// The panels of the preparation page (/m/{id}/prepare), in the order they show, each in a
// column: `side` (the narrow left one) or `main`. This is the one place panels mount: another
// area adds its panel with one import line and one entry. Every panel is called with
// { snap, reload, live, me }: the meeting's snapshot, a function that reloads it, the live
// state of the meeting's channel (meeting-state.js) and the logged-in person.

import { Agenda } from './agenda.js';
import { CopyMeeting } from './copy.js';
import { Details } from './details.js';
import { Participants } from './participants.js';
import { Publication } from './publication.js';

export const PANELS = [
  { id: 'details', column: 'side', Panel: Details },
  { id: 'publication', column: 'side', Panel: Publication },
  { id: 'participants', column: 'side', Panel: Participants },
  { id: 'copy', column: 'side', Panel: CopyMeeting },
  { id: 'agenda', column: 'main', Panel: Agenda },
];
