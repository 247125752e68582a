import type { AttachmentView } from '../attachments/attachments.dto.js';
import { isSupport } from '../access/access.js';
import type { Caller } from '../auth/auth.decorators.js';
import type { CaseRecord } from './case.entity.js';
import type { Message } from '../conversations/message.entity.js';
import { messageViewBase } from '../conversations/message-view.js';
import type { CaseView, MessageView, SlaState } from './cases.dto.js';

export function slaStateOf(record: Pick<CaseRecord, 'status' | 'cycleId' | 'warnAt' | 'dueAt'>, now: Date): SlaState {
  if (record.status === 'escalated') return 'escalated';
  if (!record.cycleId || !record.warnAt || !record.dueAt) return 'stopped';
  if (now < record.warnAt) return 'on_track';
  if (now < record.dueAt) return 'at_risk';
  return 'late';
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The seller sees the subject with the content policy applied; the buyer who wrote it and support see it as written. */
export function toCaseView(record: CaseRecord, now: Date, caller: Caller): CaseView {
  return {
    id: record.id,
    buyerId: record.buyerId,
    sellerId: record.sellerId,
    orderId: record.orderId,
    listingRef: record.listingRef,
    topic: record.topic,
    subject:
      record.subjectOriginal !== null && (isSupport(caller) || caller.id === record.buyerId)
        ? record.subjectOriginal
        : record.subject,
    status: record.status,
    claimId: record.claimId ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    sla: {
      state: slaStateOf(record, now),
      clockStartedAt: iso(record.clockStartedAt),
      warnAt: iso(record.warnAt),
      dueAt: iso(record.dueAt),
      escalateAt: iso(record.escalateAt),
    },
  };
}

/** The author and support see what was written; the other party sees the masked text. */
export function toMessageView(
  message: Omit<Message, 'seq'>,
  caller: Caller,
  attachments: AttachmentView[] = [],
): MessageView {
  const view: MessageView = { ...messageViewBase(message, caller, attachments), caseId: message.caseId };
  if (isSupport(caller)) {
    view.internal = message.internal;
    view.visibleBody = message.visibleBody;
  }
  return view;
}
