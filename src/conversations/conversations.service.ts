import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachmentView } from '../attachments/attachments.dto.js';
import { AttachmentsService, type Stashed } from '../attachments/attachments.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { FusedWrite } from '../common/database/fused-write.js';
import { queryPrepared } from '../common/database/prepared.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import type { Actor } from '../timeline/timeline.js';
import { applyContentPolicy, MASKED_KINDS, type PolicyResult } from './content-policy.js';
import {
  KINDS,
  type Conversation,
  type ConversationEvent,
  type ConversationKind,
  type ConversationMessage,
} from './conversation.js';
import { lockMessageSql, quarantineReportedSql } from './conversation.queries.js';

/** A message as its author gives it. */
export interface NewMessage {
  author: Caller;
  body: string;
  /** An internal note: support only, never through the content policy, never notified. */
  internal: boolean;
  at: Date;
  /** The case subject of the message that opens a case, already through the policy: its findings count with the message's. */
  subject?: PolicyResult;
  /** Files stored for it (AttachmentsService.withStored). */
  files?: Stashed[];
}

/** What `writeIn` wrote: the message, its files, and the events for the owner's timeline. */
export interface WrittenMessage {
  message: ConversationMessage;
  attachments: AttachmentView[];
  /** message_posted (or internal_note_added), then any content_policy_violation and message_quarantined, in that order. */
  events: ConversationEvent[];
  /** The CTE that inserts the message (RETURNING id, visible_body), for notices that show it in the same statement. */
  cte: string;
}

/** The CTE name a message's insert takes in its statement (notices that show it read it from there). */
export const POSTED_MESSAGE = 'posted_message';

const NO_POLICY = (body: string): PolicyResult => ({ masked: body, maskedKinds: [], requests: [], quarantine: false });

/** A message's findings with its case subject's added: masked kinds and requests of both, the message's own text. */
function mergePolicies(message: PolicyResult, subject: PolicyResult | undefined): PolicyResult {
  if (!subject) return message;
  const maskedKinds = MASKED_KINDS.filter(
    (kind) => message.maskedKinds.includes(kind) || subject.maskedKinds.includes(kind),
  );
  const requests = [...new Set([...message.requests, ...subject.requests])];
  return { masked: message.masked, maskedKinds, requests, quarantine: requests.length > 0 };
}

const isParty = (caller: Caller): boolean => caller.role === 'buyer' || caller.role === 'seller';

/**
 * The conversation core (docs/architecture.md): the one way a message of a
 * case or a claim is written, whoever writes it and however it arrives. It
 * owns the message tables, their attachments link, the content policy,
 * `content_violations` and quarantine. A party's message goes through the
 * policy (contact details and payment data masked for the other party; a
 * request for credentials or payment held back and handed to support); what
 * happens next (whose turn it is, reply clocks, notices) is the workflow's.
 * Writes go into the caller's FusedWrite; events come back for the timeline
 * of the workflow that owns the conversation.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly escalations: EscalationsService,
    private readonly attachments: AttachmentsService,
  ) {}

  /** Writes a message, its files, any content violation and a quarantine's escalation into `write` (reads, such as the escalation's deadline, in `tx`). */
  async writeIn(
    tx: EntityManager,
    write: FusedWrite,
    conversation: Conversation,
    input: NewMessage,
  ): Promise<WrittenMessage> {
    const { author, body, internal, at } = input;
    const tables = KINDS[conversation.kind];
    const screened = isParty(author) && !internal;
    const own = screened ? applyContentPolicy(body) : NO_POLICY(body);
    const policy = screened ? mergePolicies(own, input.subject) : own;
    const message: ConversationMessage = {
      id: randomUUID(),
      conversationId: conversation.id,
      authorId: author.id,
      authorRole: author.role,
      internal,
      body,
      visibleBody: policy.masked,
      masked: own.maskedKinds,
      quarantined: policy.quarantine,
      createdAt: at,
    };
    const cte = write.name(POSTED_MESSAGE);
    write.with(
      cte,
      write.insert(
        tables.messages,
        {
          id: [message.id, 'uuid'],
          [tables.parent]: [conversation.id, 'uuid'],
          author_id: [author.id, 'uuid'],
          author_role: [author.role, tables.roleType],
          internal: [internal, 'boolean'],
          body: [body, 'text'],
          visible_body: [message.visibleBody, 'text'],
          masked: [message.masked, 'text[]'],
          quarantined: [message.quarantined, 'boolean'],
          created_at: [at, 'timestamptz'],
        },
        'id, visible_body',
      ),
    );
    const attachments = this.attachments.attachIn(
      write,
      input.files ?? [],
      tables.attachmentOwner(message.id),
      author.id,
      at,
    );
    const actor: Actor = { id: author.id, role: author.role };
    const events: ConversationEvent[] = [
      {
        type: internal ? 'internal_note_added' : 'message_posted',
        actor,
        at,
        internal,
        data: { messageId: message.id, masked: own.maskedKinds },
      },
    ];
    const kinds = [...policy.maskedKinds, ...policy.requests];
    if (kinds.length > 0) {
      this.violationIn(
        write,
        conversation.kind,
        message.id,
        author.id,
        conversation.kind === 'case' ? conversation.caseId : null,
        kinds,
        at,
      );
      events.push({
        type: 'content_policy_violation',
        actor,
        at,
        internal: true,
        data: { messageId: message.id, kinds },
      });
    }
    if (policy.quarantine) {
      // The recipient never sees it: support reviews it.
      const escalation = await this.escalations.openIn(tx, write, {
        caseId: conversation.caseId,
        claimId: conversation.claimId ?? null,
        messageId: conversation.kind === 'case' ? message.id : null,
        reason: 'quarantined_message',
        priority: 'high',
        now: at,
      });
      events.push({
        type: 'message_quarantined',
        actor,
        at,
        internal: true,
        data: { messageId: message.id, escalationId: escalation.id, kinds: policy.requests },
      });
    }
    return { message, attachments, events, cte };
  }

  /**
   * Support confirmed a phishing report about a message: it is quarantined
   * (no recipient sees it any more) and counts as a content violation of its
   * author. Null when there is no such message; otherwise the conversation
   * it is in and the event for that conversation's timeline.
   */
  async quarantineReported(
    tx: EntityManager,
    kind: ConversationKind,
    messageId: string,
    agent: Actor,
    reportId: string,
    at: Date,
  ): Promise<{ conversationId: string; event: ConversationEvent } | null> {
    const [message] = await queryPrepared<{ conversation_id: string; author_id: string }>(
      tx,
      lockMessageSql(KINDS[kind]),
      [messageId],
    );
    if (!message) return null;
    await queryPrepared(tx, quarantineReportedSql(KINDS[kind]), [
      messageId,
      message.author_id,
      kind === 'case' ? message.conversation_id : null,
      ['phishing'],
      at,
    ]);
    return {
      conversationId: message.conversation_id,
      event: {
        type: 'message_quarantined',
        actor: agent,
        at,
        internal: true,
        data: { messageId, reportId, kinds: ['phishing'] },
      },
    };
  }

  private violationIn(
    write: FusedWrite,
    kind: ConversationKind,
    messageId: string,
    authorId: string,
    caseId: string | null,
    kinds: string[],
    at: Date,
  ): void {
    write.with(
      write.name('violation'),
      write.insert('content_violations', {
        user_id: [authorId, 'uuid'],
        case_id: [caseId, 'uuid'],
        [KINDS[kind].messageColumn]: [messageId, 'uuid'],
        kinds: [kinds, 'text[]'],
        created_at: [at, 'timestamptz'],
      }),
    );
  }
}
