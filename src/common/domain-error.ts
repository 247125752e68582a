export type ErrorCode =
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'forbidden_transition'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'not_eligible';

export interface FieldError {
  field: string;
  message: string;
  /**
   * The rule that refused the value (`maxLength`, `isEmail`), when the message
   * is that rule's own sentence: the portal's pages then say it in the
   * reader's language. Not part of the API's problem (docs/api.md).
   */
  code?: string;
  /** What the rule's sentence names (`{ max: 100 }`). */
  args?: Record<string, string | number>;
}

/** An error raised by domain code; the problem filter maps its code to an HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; retryAfterSeconds?: number; extensions?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError('not_found', `${what} not found`);
  }

  /** Bad input in one field; `code` (with `args`) lets the portal say it in the reader's language (`errors.field.<code>`). */
  static invalid(field: string, message: string, code?: string, args?: FieldError['args']): DomainError {
    const error: FieldError = { field, message };
    if (code !== undefined) error.code = code;
    if (args !== undefined) error.args = args;
    return new DomainError('invalid', message, { errors: [error] });
  }
}
