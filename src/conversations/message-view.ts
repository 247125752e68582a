import { isSupport } from '../access/access.js';
import type { AttachmentView } from '../attachments/attachments.dto.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { Role } from '../users/user.entity.js';
import type { MessageColumns } from './message.entity.js';

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
}

/**
 * A message as `caller` reads it, whatever its conversation: its author and
 * support read what was written (and whether it was held back), the other
 * party what the content policy left visible.
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
  };
}
