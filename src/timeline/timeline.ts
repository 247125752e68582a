import type { FusedWrite } from '../common/database/fused-write.js';
import type { Role } from '../users/user.entity.js';

/** What can happen on a case; every change is one of these on its append-only timeline. */
export const TIMELINE_EVENT_TYPES = [
  'case_opened',
  'message_posted',
  'internal_note_added',
  'content_policy_violation',
  'message_quarantined',
  'status_changed',
  'reply_cycle_opened',
  'reply_cycle_closed',
  'no_response_needed',
  'case_resolved',
  'case_reopened',
  'case_closed',
  'case_escalated',
  'support_handed_back',
  'support_answered',
  'escalation_assigned',
  'escalation_reassigned',
  'escalation_resolved',
  'escalation_overdue',
  'escalation_waiting',
  'escalation_resumed',
  'sla_at_risk',
  'sla_late',
  'sla_escalated',
  'sla_rebased',
  'claim_filed',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export interface Actor {
  id: string | null;
  role: Role | 'system';
}

export const SYSTEM: Actor = { id: null, role: 'system' };

/** The person who takes a step, as its timeline events name them. */
export const actorOf = (caller: { id: string; role: Role }): Actor => ({ id: caller.id, role: caller.role });

export interface TimelineEntry {
  caseId: string;
  type: TimelineEventType;
  actor: Actor;
  at: Date;
  data?: Record<string, unknown>;
  /** Only support sees internal events. */
  internal?: boolean;
}

/**
 * The columns a set-based writer selects, in this order, for
 * `timelineInsertFrom`: case_id, type, actor_id, actor_role, internal, at, data.
 * Times inside `data` are written with `sqlIso` so they read the same as
 * those written from TypeScript (ISO 8601 with `Z`).
 */
export function timelineInsertFrom(select: string): string {
  return `INSERT INTO case_events (case_id, type, actor_id, actor_role, internal, at, data) SELECT case_id, type, actor_id, actor_role, internal, at, data FROM (${select}) AS timeline_rows (case_id, type, actor_id, actor_role, internal, at, data)`;
}

/** A timestamptz expression as ISO 8601 UTC with milliseconds and `Z`, whatever the session's time zone. */
export function sqlIso(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** An event on an append-only timeline (a case's or a claim's), as its owner appends it. */
export interface EventEntry {
  type: string;
  actor: Actor;
  at: Date;
  data?: Record<string, unknown>;
  internal?: boolean;
}

/**
 * The parameters of a one-statement append of `entries` to a timeline:
 * subject id, type, actor id, actor role, internal, at, data, each an array
 * for `unnest`, in that order.
 */
export function eventColumns<E extends EventEntry>(entries: E[], subjectOf: (entry: E) => string): unknown[] {
  return [
    entries.map(subjectOf),
    entries.map((entry) => entry.type),
    entries.map((entry) => entry.actor.id),
    entries.map((entry) => entry.actor.role),
    entries.map((entry) => entry.internal === true),
    entries.map((entry) => entry.at),
    entries.map((entry) => JSON.stringify(entry.data ?? {})),
  ];
}

const EVENT_COLUMN_TYPES = ['uuid', 'text', 'uuid', 'text', 'boolean', 'timestamptz', 'jsonb'];

/** Entries as the rows of a FusedWrite (`eventColumns`' columns, typed), for an owner's INSERT … SELECT. */
export function eventRows<E extends EventEntry>(
  write: FusedWrite,
  entries: E[],
  subjectOf: (entry: E) => string,
): string {
  return write.rows(
    eventColumns(entries, subjectOf).map((column, index) => [column as unknown[], EVENT_COLUMN_TYPES[index]] as const),
  );
}

/** A stored event of either timeline as the API shows it. */
export function toEventView(event: {
  type: string;
  actorId: string | null;
  actorRole: string;
  at: Date;
  data: Record<string, unknown>;
}) {
  return {
    type: event.type,
    actorId: event.actorId,
    actorRole: event.actorRole,
    at: event.at.toISOString(),
    data: event.data,
  };
}
