import { deliveryRefusalMessage, TargetRefusedError } from './target-policy.js';

/** The endpoint did not answer (status line and headers) within WEBHOOK_TIMEOUT_MS. */
export class NoAnswerInTimeError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms`);
    this.name = 'NoAnswerInTimeError';
  }
}

/** A delivery's `lastError` for an answer that was not 2xx. */
export function statusFailure(status: number): string {
  return `The endpoint answered ${status}`;
}

/**
 * A delivery's `lastError` for an attempt that got no answer. Admins read
 * it through the API, so it says what happened in words and never carries
 * an address, a port or a system error code: those would tell whoever
 * registers webhooks which internal hosts and ports answer.
 */
export function attemptFailure(error: unknown): string {
  if (error instanceof TargetRefusedError) return deliveryRefusalMessage(error.refusal);
  if (error instanceof NoAnswerInTimeError)
    return `The endpoint took longer than ${error.timeoutMs / 1000} s to answer`;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'The endpoint closed the connection without answering';
  if (typeof code === 'string' && /CERT|TLS|SSL/.test(code)) return "The endpoint's TLS certificate was not accepted";
  return 'The endpoint could not be reached';
}
