import { isSupport } from '../access/access.js';
import type { AttachmentView } from '../attachments/attachments.dto.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { Role } from '../users/user.entity.js';
import { applyContentPolicy, REQUEST_KINDS } from './content-policy.js';
import type { MessageColumns } from './message.entity.js';

/**
 * Why a message is held back from the other party, as far as its author may
 * be told: what in its text the content policy holds back (a request for
 * credentials or for payment details), or `review` when the text itself asks
 * for neither (the case's subject did, or support confirmed a report of it).
 */
export const HELD_REASONS = [...REQUEST_KINDS, 'review'] as const;
export type HeldReason = (typeof HELD_REASONS)[number];

/** The reasons a held message with this text is held, each once. */
export function heldReasons(body: string): HeldReason[] {
  const { requests } = applyContentPolicy(body);
  return requests.length > 0 ? requests : ['review'];
}

/** What every kind of message shows its reader. */
export interface MessageViewBase {
  id: string;
  authorId: string;
  authorRole: Role;
  body: string;
  masked: string[];
  createdAt: string;
  attachments: AttachmentView[];
  quarantined?: boolean;
  /** Why a held message is held (its author and support only), so that its author knows what to change. */
  heldFor?: HeldReason[];
}

/**
 * A message as `caller` reads it, whatever its conversation: its author and
 * support read what was written (and whether it was held back), the other
 * party what the content policy left visible. A held message tells its
 * author and support why it is held.
 */
export function messageViewBase(
  message: MessageColumns,
  caller: Caller,
  attachments: AttachmentView[],
): MessageViewBase {
  const unmasked = message.authorId === caller.id || isSupport(caller);
  return {
    id: message.id,
    authorId: message.authorId,
    authorRole: message.authorRole,
    body: unmasked ? message.body : message.visibleBody,
    masked: message.masked,
    createdAt: message.createdAt.toISOString(),
    attachments,
    ...(unmasked ? { quarantined: message.quarantined } : {}),
    ...(unmasked && message.quarantined ? { heldFor: heldReasons(message.body) } : {}),
  };
}
