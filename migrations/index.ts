import { Foundation1764460800000 } from './1764460800000-foundation.js';
import { Calendars1764547200000 } from './1764547200000-calendars.js';
import { Cases1764633600000 } from './1764633600000-cases.js';
import { SlaSweep1764720000000 } from './1764720000000-sla-sweep.js';
import { Email1764806400000 } from './1764806400000-email.js';
import { Shape1764892800000 } from './1764892800000-shape.js';
import { Hardening1764979200000 } from './1764979200000-hardening.js';
import { Claims1765065600000 } from './1765065600000-claims.js';
import { Inbox1765152000000 } from './1765152000000-inbox.js';
import { Attachments1765238400000 } from './1765238400000-attachments.js';
import { SessionEvents1765324800000 } from './1765324800000-session-events.js';
import { LazyBroadcasts1765411200000 } from './1765411200000-lazy-broadcasts.js';
import { InboxHiddenItems1765497600000 } from './1765497600000-inbox-hidden-items.js';
import { ConversationCore1765584000000 } from './1765584000000-conversation-core.js';
import { MessageOrder1765756800000 } from './1765756800000-message-order.js';
import { UserLocale1765843200000 } from './1765843200000-user-locale.js';
import { SearchWords1765929600000 } from './1765929600000-search-words.js';
import { Integration1766016000000 } from './1766016000000-integration.js';
import { UserTimeZone1765670400000 } from './1765670400000-user-time-zone.js';

/** Every migration, oldest first. A new migration is a new file listed here. */
export const migrations = [
  Foundation1764460800000,
  Calendars1764547200000,
  Cases1764633600000,
  SlaSweep1764720000000,
  Email1764806400000,
  Shape1764892800000,
  Hardening1764979200000,
  Claims1765065600000,
  Inbox1765152000000,
  Attachments1765238400000,
  SessionEvents1765324800000,
  LazyBroadcasts1765411200000,
  InboxHiddenItems1765497600000,
  ConversationCore1765584000000,
  UserTimeZone1765670400000,
  MessageOrder1765756800000,
  UserLocale1765843200000,
  SearchWords1765929600000,
  Integration1766016000000,
];
