import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isSupport, Permission } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Stashed } from '../attachments/attachments.service.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Upload } from '../attachments/uploads.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { FusedWrite } from '../common/database/fused-write.js';
import { hydrate, selectColumns } from '../common/database/hydrate.js';
import { queryPrepared } from '../common/database/prepared.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { PostingLimit } from '../common/shared-limits.js';
import { transaction } from '../common/transaction.js';
import type { PolicyResult } from '../conversations/content-policy.js';
import { ConversationsService, type WrittenMessage } from '../conversations/conversations.service.js';
import { EscalationsService } from '../escalations/escalations.service.js';
import type { Party } from '../notifications/categories.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { type Actor, actorOf } from '../timeline/timeline.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { caseUnchangedSql, messageContextSql, OPEN_CYCLE_PREFIX, persistCaseIn } from './case.queries.js';
import { CaseAction, transition } from './case-status.js';
import { CaseRecord, ReplyCycle } from './case.entity.js';
import { caseNotices } from './case-notices.js';
import { toMessageView } from './case-views.js';
import type { MessageView, PostMessageDto } from './cases.dto.js';
import { ReplyCyclesService } from './reply-cycles.service.js';

/** Guarded writes of a message tried before locking the case in a transaction (each after a case that changed since it was read). */
const GUARDED_ATTEMPTS = 3;

/** What `writeMessage` knows already: the opening subject's policy findings, the open cycle and whether support waits on the author. */
interface MessageContext {
  /** The opening message's case subject, already through the policy: its findings count with the message's. */
  subject?: PolicyResult;
  openCycle?: ReplyCycle;
  supportAwaits: boolean;
}

/**
 * A case's conversation (docs/cases.md, "Messages"): a message or an
 * internal note, written by the conversation core, then the case's rules for
 * it (whose turn it is, the reply cycle, notices, support's clock). Opening a
 * case writes its first message here too.
 */
@Injectable()
export class CaseMessages {
  private readonly messageContextTexts = new Map<'count' | 'read' | 'lock', string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly conversations: ConversationsService,
    private readonly cycles: ReplyCyclesService,
    private readonly timeline: TimelineService,
    private readonly outbox: OutboxService,
    private readonly escalations: EscalationsService,
    private readonly attachments: AttachmentsService,
    private readonly posting: PostingLimit,
    private readonly clock: Clock,
  ) {}

  /**
   * A message (or, from support, an internal note), with its files stored
   * first and recorded with it. Two round trips in the common case
   * (docs/performance.md): one statement counts the post against the
   * author's limit and reads the case, its open cycle and whether support
   * waits on the author; the rules run in TypeScript; one guarded statement
   * locks the case, if it is still the version read, and writes everything
   * (message, timeline, notice and Message Center item, counters, cycle,
   * case, attachments). When the case changed in between, the rules run
   * again on what it is now; when support waits on the author (its clock
   * has reads and writes of its own) or the case keeps changing, the same
   * rules run in a transaction that locks the case first.
   */
  async post(caller: Caller, caseId: string, dto: PostMessageDto, uploads: Upload[] = []): Promise<MessageView> {
    const permission: Permission = dto.internal ? 'case.note' : 'case.message';
    if (!isUuid(caseId)) {
      await this.posting.take(caller);
      throw DomainError.notFound('Case');
    }
    const now = await this.clock.now();
    return this.attachments.withStored(uploads, async (stashed) => {
      const post = async (
        tx: EntityManager,
        known: MessageContext & { record: CaseRecord; version: string | null },
      ) => {
        const write = new FusedWrite();
        if (known.version !== null)
          write.guard(caseUnchangedSql(write.param(caseId, 'uuid'), write.param(known.version, 'xid')));
        const { message, attachments } = await this.writeIn(
          tx,
          write,
          known.record,
          caller,
          { body: dto.body, internal: dto.internal === true, files: stashed },
          now,
          known,
        );
        persistCaseIn(write, known.record);
        return (await write.run(tx)) ? toMessageView({ ...message, caseId }, caller, attachments) : null;
      };
      for (let attempt = 1; attempt <= GUARDED_ATTEMPTS; attempt++) {
        const known = await this.messageContext(
          this.db.manager,
          caller,
          caseId,
          permission,
          attempt === 1 ? 'count' : 'read',
        );
        if (known.supportAwaits) break;
        const posted = await post(this.db.manager, known);
        if (posted) return posted;
      }
      return transaction(
        this.db,
        async (tx) => (await post(tx, await this.messageContext(tx, caller, caseId, permission, 'lock')))!,
      );
    });
  }

  /**
   * What the rules for a message read, in one statement (messageContextSql):
   * `count` also counts the post (429 past the limit), `lock` takes the
   * case's row lock in `tx` (and the write needs no guard).
   */
  private async messageContext(
    tx: EntityManager,
    caller: Caller,
    caseId: string,
    permission: Permission,
    mode: 'count' | 'read' | 'lock',
  ) {
    const counting = mode === 'count' ? this.posting.params(caller) : null;
    const rows = await queryPrepared<Record<string, unknown>>(
      tx,
      this.messageContextText(mode),
      counting ? [caseId, caller.role, counting.keys, counting.windowSeconds] : [caseId, caller.role],
    );
    const [row] = rows;
    if (counting) this.posting.check({ count: Number(row.posts), retryAfterSeconds: Number(row.retry_after) });
    const record = row?.id != null ? hydrate(tx, CaseRecord, row) : null;
    this.access.checkCase(caller, record, permission);
    return {
      record,
      version: mode === 'lock' ? null : (row.version as string),
      openCycle: row.open_cycle_id != null ? hydrate(tx, ReplyCycle, row, OPEN_CYCLE_PREFIX) : undefined,
      supportAwaits: row.support_awaits === true,
    };
  }

  /** The statement of each `messageContext` mode, built once (the open cycle's columns come from its entity). */
  private messageContextText(mode: 'count' | 'read' | 'lock'): string {
    let text = this.messageContextTexts.get(mode);
    if (!text) {
      const cycleColumns = selectColumns(this.db.manager, ReplyCycle, 'y', OPEN_CYCLE_PREFIX);
      text = messageContextSql({
        lock: mode === 'lock',
        countPost: mode === 'count' ? this.posting.countSql('$3::text[]', '$4') : undefined,
        cycleColumns,
      });
      this.messageContextTexts.set(mode, text);
    }
    return text;
  }

  /**
   * A message, written by the conversation core (content policy, violations,
   * quarantine, files), then the case's rules: it moves the case through the
   * state machine and opens or answers the reply cycle. Reads what it needs
   * in `tx`; every write goes into `write`, and so does nothing the caller
   * must save but the case row (`persistCaseIn`).
   */
  async writeIn(
    tx: EntityManager,
    write: FusedWrite,
    record: CaseRecord,
    author: Caller,
    input: { body: string; internal: boolean; files?: Stashed[] },
    now: Date,
    known: MessageContext,
  ): Promise<WrittenMessage> {
    const opensCase = known.subject !== undefined;
    const action: CaseAction = input.internal
      ? 'internal_note'
      : author.role === 'buyer'
        ? 'buyer_message'
        : author.role === 'seller'
          ? 'seller_message'
          : 'agent_message';
    const next = transition(record.status, action);
    const party = action === 'buyer_message' || action === 'seller_message';
    const written = await this.conversations.writeIn(
      tx,
      write,
      { kind: 'case', id: record.id, caseId: record.id },
      { author, ...input, at: now, subject: known.subject },
    );
    const { message } = written;
    const actor = actorOf(author);
    this.timeline.appendIn(write, ...written.events.map((event) => ({ caseId: record.id, ...event })));
    if (isSupport(author)) this.escalations.recordFirstActionIn(write, record.id, now);
    if (message.quarantined) {
      // The recipient never sees it, so it neither opens nor answers a reply cycle, nor changes whose turn it is.
      record.updatedAt = now;
      return written;
    }
    if (party && known.supportAwaits) {
      // Support waiting on this party has its answer: the support clock runs again.
      const resumed = await this.escalations.partyWrote(tx, record.id, author.role as Party, now);
      this.timeline.appendIn(
        write,
        ...resumed.map((escalation) => ({
          caseId: record.id,
          type: 'escalation_resumed' as const,
          actor,
          at: now,
          internal: true,
          data: { escalationId: escalation.id, dueAt: escalation.dueAt?.toISOString() ?? null },
        })),
      );
    }

    // The other party hears of it by email and in the Message Center (support's messages reach both).
    if (!input.internal) {
      const recipients: Party[] =
        action === 'buyer_message' ? ['seller'] : action === 'seller_message' ? ['buyer'] : ['buyer', 'seller'];
      const from = {
        kind: isSupport(author) ? ('support' as const) : (author.role as Party),
        id: isSupport(author) ? null : author.id,
      };
      const kind = opensCase ? 'case_opened' : isSupport(author) ? 'support_message' : 'new_message';
      this.outbox.enqueueIn(
        write,
        caseNotices(record, kind, recipients, now, { key: message.id, extra: { messageId: message.id }, from }),
        { case: written.cte },
      );
    }
    // A case with a claim is handled through the claim: the reply clock no longer runs on it.
    if (action === 'buyer_message' && !record.cycleId && !record.claimId)
      await this.cycles.open(tx, write, record, message.id, now);
    if (action === 'seller_message' && record.cycleId)
      await this.cycles.close(tx, write, record, 'answered', message.id, now, known.openCycle);
    if (next !== record.status) {
      this.timeline.appendIn(write, {
        caseId: record.id,
        type: 'status_changed',
        actor,
        at: now,
        data: { from: record.status, to: next },
      });
      record.status = next;
    }
    record.updatedAt = now;
    return written;
  }

  /**
   * Support confirmed a phishing report about a case message: the conversation
   * core quarantines it (the recipient no longer sees it) and counts it as a
   * content violation of its author. Returns false when there is no such message.
   */
  async quarantineReported(
    tx: EntityManager,
    messageId: string,
    agent: Actor,
    reportId: string,
    now: Date,
  ): Promise<boolean> {
    const quarantined = await this.conversations.quarantineReported(tx, 'case', messageId, agent, reportId, now);
    if (quarantined) await this.timeline.append(tx, { caseId: quarantined.conversationId, ...quarantined.event });
    return quarantined !== null;
  }
}
