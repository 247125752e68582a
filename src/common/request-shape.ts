import type { FieldError } from './domain-error.js';

/** How deep a JSON body may nest, and how many keys it may hold in all: far beyond any request Parley takes. */
export const MAX_BODY_DEPTH = 16;
export const MAX_BODY_KEYS = 1000;
/** At most this many field errors are listed in a problem; the rest are counted. */
export const MAX_FIELD_ERRORS = 20;

/** A refusal of a request's shape, answered as 400 problem+json naming the field. */
export class RequestShapeError extends Error {
  readonly statusCode = 400;
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => error.message).join('; '));
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A name the client chose (a query parameter, a JSON key, a form field) is
 * repeated in a problem only when it reads as a field name: a letter, then
 * letters, digits, `_`, `.`, `[` and `]`, at most 64 in all (`seller.timeZone`,
 * `items[1].title`). Anything else (`?Your account is suspended. Call 555=1`)
 * would put the sender's own sentence into an answer that people read, so it
 * is described instead ("a query parameter").
 */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.[\]]{0,63}$/;

export function isFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/**
 * Walks a parsed JSON value without recursion and refuses what no client
 * should send: nesting deeper than MAX_BODY_DEPTH, more than MAX_BODY_KEYS
 * keys, prototype-pollution keys, and NUL characters in any string or key
 * (PostgreSQL refuses them). The first problem found is reported, by path.
 */
export function checkJsonShape(value: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value: node, path, depth } = stack.pop()!;
    // A path of keys the client made up is not repeated: the field is then the body.
    const named = path === '' || isFieldName(path);
    const field = path !== '' && named ? path : 'body';
    if (typeof node === 'string') {
      if (node.includes('\u0000'))
        throw new RequestShapeError([
          { field, message: `${named ? field : 'a value in the body'} must not contain NUL characters` },
        ]);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_BODY_DEPTH)
      throw new RequestShapeError([{ field, message: `the body nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    const entries: [string, unknown][] = Array.isArray(node)
      ? node.map((item, index) => [String(index), item])
      : Object.entries(node);
    keys += entries.length;
    if (keys > MAX_BODY_KEYS)
      throw new RequestShapeError([
        { field: 'body', message: `the body holds more than ${MAX_BODY_KEYS} keys and items` },
      ]);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(node)) {
        // A key of FORBIDDEN_KEYS is Parley's own word, so it is named; the path to it only as any other.
        if (FORBIDDEN_KEYS.has(key))
          throw new RequestShapeError([
            { field: named ? childPath : 'body', message: `${key} is not an accepted key` },
          ]);
        if (key.includes('\u0000'))
          throw new RequestShapeError([{ field, message: 'keys must not contain NUL characters' }]);
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}

/**
 * Query parameters are single values: a repeated one, or one with a NUL, is refused naming it (or, when its
 * name is not a field name, as "a query parameter": this check runs before the route's own DTO says which
 * parameters it knows).
 */
export function checkQueryShape(query: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(query)) {
    const named = isFieldName(name);
    const field = named ? name : 'query';
    const subject = named ? name : 'a query parameter';
    if (Array.isArray(value))
      throw new RequestShapeError([
        { field, message: named ? `${name} must be given once` : 'a query parameter is given more than once' },
      ]);
    if (typeof value === 'string' && value.includes('\u0000'))
      throw new RequestShapeError([{ field, message: `${subject} must not contain NUL characters` }]);
  }
}

/**
 * The first MAX_FIELD_ERRORS errors, and a last entry counting the others; an error whose field is not a
 * field name (only a property the client made up has one: "property … should not exist") names the nearest
 * part of its path that is, or the request.
 */
export function capFieldErrors(errors: FieldError[]): FieldError[] {
  const shown = errors.map(unnamed);
  if (shown.length <= MAX_FIELD_ERRORS) return shown;
  return [
    ...shown.slice(0, MAX_FIELD_ERRORS),
    { field: 'body', message: `and ${shown.length - MAX_FIELD_ERRORS} more errors` },
  ];
}

function unnamed(error: FieldError): FieldError {
  if (isFieldName(error.field)) return error;
  const parts = error.field.split('.');
  let known = 0;
  while (known < parts.length - 1 && isFieldName(parts.slice(0, known + 1).join('.'))) known++;
  const field = known > 0 ? parts.slice(0, known).join('.') : 'request';
  const problem = error.message.endsWith('should not exist')
    ? 'a property that is not accepted'
    : 'a property that is not valid';
  return { field, message: `${known > 0 ? field : 'the request'} has ${problem} (its name is not repeated here)` };
}
