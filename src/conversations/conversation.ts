import type { AttachmentOwner } from '../attachments/attachments.service.js';
import type { Actor } from '../timeline/timeline.js';
import type { Role } from '../users/user.entity.js';

/**
 * The conversations Parley keeps: a case's (buyer, seller and support about
 * an order or a listing) and a claim's (the same people before a decision).
 * Each kind keeps its messages in a table of its own (docs/architecture.md,
 * "The conversation core"); everything else about a message is the same.
 */
export type ConversationKind = 'case' | 'claim';

/** The conversation a message belongs to, as the workflow that owns it names it. */
export interface Conversation {
  kind: ConversationKind;
  /** The case's id, or the claim's. */
  id: string;
  /** The case the conversation is about (a claim's case): support's escalations and content violations point at it. */
  caseId: string;
  /** The claim, for a claim's conversation. */
  claimId?: string;
}

/** A message of a conversation, the same for every kind. */
export interface ConversationMessage {
  id: string;
  /** The case's id, or the claim's. */
  conversationId: string;
  authorId: string;
  authorRole: Role;
  internal: boolean;
  /** What the author wrote; support sees it. */
  body: string;
  /** What the other party sees: contact details and payment data masked. */
  visibleBody: string;
  masked: string[];
  /** Held back from the recipient (a request for credentials or payment). */
  quarantined: boolean;
  createdAt: Date;
}

/** The events a message makes, for the timeline of the workflow that owns the conversation. */
export type ConversationEventType =
  'message_posted' | 'internal_note_added' | 'content_policy_violation' | 'message_quarantined';

export interface ConversationEvent {
  type: ConversationEventType;
  actor: Actor;
  at: Date;
  internal: boolean;
  data: Record<string, unknown>;
}

/** Where each kind keeps what belongs to its messages. */
export interface KindTables {
  /** The table of its messages. */
  messages: 'messages' | 'claim_messages';
  /** The messages' column naming their conversation. */
  parent: 'case_id' | 'claim_id';
  /** The type of the messages' `author_role`. */
  roleType: 'user_role' | 'text';
  /** The column of `content_violations` (and of attachments) naming one of its messages. */
  messageColumn: 'message_id' | 'claim_message_id';
  /** How an attachment names one of its messages. */
  attachmentOwner: (messageId: string) => AttachmentOwner;
}

export const KINDS: Record<ConversationKind, KindTables> = {
  case: {
    messages: 'messages',
    parent: 'case_id',
    roleType: 'user_role',
    messageColumn: 'message_id',
    attachmentOwner: (messageId) => ({ messageId }),
  },
  claim: {
    messages: 'claim_messages',
    parent: 'claim_id',
    roleType: 'text',
    messageColumn: 'claim_message_id',
    attachmentOwner: (claimMessageId) => ({ claimMessageId }),
  },
};
