import { capFieldErrors, checkJsonShape, checkQueryShape, MAX_BODY_DEPTH, MAX_BODY_KEYS, RequestShapeError } from './request-shape.js';

const refusal = (work: () => void) => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestShapeError);
    return (error as RequestShapeError).errors;
  }
  throw new Error('expected a refusal');
};

describe('request shape', () => {
  it('accepts ordinary bodies', () => {
    expect(() => checkJsonShape({ email: 'a@b.c', seller: { workingDays: ['mon'], openingHours: { mon: ['09:00-17:00'] } } })).not.toThrow();
  });

  it('refuses NUL in any string, naming the field by its path', () => {
    expect(refusal(() => checkJsonShape({ seller: { timeZone: 'UTC\u0000' } }))).toEqual([{ field: 'seller.timeZone', message: expect.stringContaining('NUL') }]);
    expect(refusal(() => checkJsonShape({ items: [{ title: 'ok' }, { title: '\u0000' }] }))[0].field).toBe('items[1].title');
  });

  it('refuses bodies nested too deep, however deep, without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(refusal(() => checkJsonShape(deep))[0].message).toContain(`${MAX_BODY_DEPTH} levels`);
    let fine: unknown = 'leaf';
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) fine = [fine];
    expect(() => checkJsonShape(fine)).not.toThrow();
  });

  it('refuses too many keys, and prototype keys', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_BODY_KEYS + 1 }, (_, i) => [`k${i}`, 1]));
    expect(refusal(() => checkJsonShape(many))[0].message).toContain(`${MAX_BODY_KEYS}`);
    expect(refusal(() => checkJsonShape(JSON.parse('{"categories":{"constructor":{"email":false}}}')))[0].field).toBe('categories.constructor');
    expect(refusal(() => checkJsonShape(JSON.parse('{"__proto__":{"admin":true}}')))[0].field).toBe('__proto__');
  });

  it('refuses repeated and NUL query parameters', () => {
    expect(refusal(() => checkQueryShape({ token: ['a', 'b'] }))).toEqual([{ field: 'token', message: 'token must be given once' }]);
    expect(refusal(() => checkQueryShape({ q: 'x\u0000' }))[0].field).toBe('q');
    expect(() => checkQueryShape({ limit: '10' })).not.toThrow();
  });

  it('caps a long error list', () => {
    const errors = Array.from({ length: 500 }, (_, i) => ({ field: `k${i}`, message: 'no' }));
    const capped = capFieldErrors(errors);
    expect(capped).toHaveLength(21);
    expect(capped[20]).toEqual({ field: 'body', message: 'and 480 more errors' });
  });
});
