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
    const field = path || 'body';
    if (typeof node === 'string') {
      if (node.includes('\u0000')) throw new RequestShapeError([{ field, message: `${field} must not contain NUL characters` }]);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_BODY_DEPTH) throw new RequestShapeError([{ field, message: `the body nests deeper than ${MAX_BODY_DEPTH} levels` }]);
    const entries: [string, unknown][] = Array.isArray(node) ? node.map((item, index) => [String(index), item]) : Object.entries(node);
    keys += entries.length;
    if (keys > MAX_BODY_KEYS) throw new RequestShapeError([{ field: 'body', message: `the body holds more than ${MAX_BODY_KEYS} keys and items` }]);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(node)) {
        if (FORBIDDEN_KEYS.has(key)) throw new RequestShapeError([{ field: childPath, message: `${key} is not an accepted key` }]);
        if (key.includes('\u0000')) throw new RequestShapeError([{ field: path || 'body', message: 'keys must not contain NUL characters' }]);
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}

/** Query parameters are single values: a repeated one, or one with a NUL, is refused naming it. */
export function checkQueryShape(query: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw new RequestShapeError([{ field: name, message: `${name} must be given once` }]);
    if (typeof value === 'string' && value.includes('\u0000')) throw new RequestShapeError([{ field: name, message: `${name} must not contain NUL characters` }]);
  }
}

/** The first MAX_FIELD_ERRORS errors, and a last entry counting the others. */
export function capFieldErrors(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_FIELD_ERRORS) return errors;
  return [...errors.slice(0, MAX_FIELD_ERRORS), { field: 'body', message: `and ${errors.length - MAX_FIELD_ERRORS} more errors` }];
}
