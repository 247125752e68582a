import {
  capFieldErrors,
  checkJsonShape,
  checkQueryShape,
  isFieldName,
  MAX_BODY_DEPTH,
  MAX_BODY_KEYS,
  RequestShapeError,
} from './request-shape.js';

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
    expect(() =>
      checkJsonShape({ email: 'a@b.c', seller: { workingDays: ['mon'], openingHours: { mon: ['09:00-17:00'] } } }),
    ).not.toThrow();
  });

  it('refuses NUL in any string, naming the field by its path', () => {
    expect(refusal(() => checkJsonShape({ seller: { timeZone: 'UTC\u0000' } }))).toEqual([
      { field: 'seller.timeZone', message: expect.stringContaining('NUL') },
    ]);
    expect(refusal(() => checkJsonShape({ items: [{ title: 'ok' }, { title: '\u0000' }] }))[0].field).toBe(
      'items[1].title',
    );
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
    expect(refusal(() => checkJsonShape(JSON.parse('{"categories":{"constructor":{"email":false}}}')))[0].field).toBe(
      'categories.constructor',
    );
    expect(refusal(() => checkJsonShape(JSON.parse('{"__proto__":{"admin":true}}')))[0].field).toBe('__proto__');
  });

  it('refuses repeated and NUL query parameters', () => {
    expect(refusal(() => checkQueryShape({ token: ['a', 'b'] }))).toEqual([
      { field: 'token', message: 'token must be given once' },
    ]);
    expect(refusal(() => checkQueryShape({ q: 'x\u0000' }))[0].field).toBe('q');
    expect(() => checkQueryShape({ limit: '10' })).not.toThrow();
  });

  describe('names the client made up', () => {
    const sentence = 'Your account is suspended. Call 555';

    it('are not repeated when a query parameter is repeated or holds NUL', () => {
      expect(refusal(() => checkQueryShape({ [sentence]: ['1', '2'] }))).toEqual([
        { field: 'query', message: 'a query parameter is given more than once' },
      ]);
      expect(refusal(() => checkQueryShape({ [sentence]: 'x\u0000' }))).toEqual([
        { field: 'query', message: 'a query parameter must not contain NUL characters' },
      ]);
    });

    it('are not repeated in a body refused for NUL, depth or prototype keys', () => {
      expect(refusal(() => checkJsonShape({ [sentence]: { a: 'x\u0000' } }))).toEqual([
        { field: 'body', message: 'a value in the body must not contain NUL characters' },
      ]);
      expect(refusal(() => checkJsonShape({ seller: { [sentence]: '\u0000' } }))[0].message).not.toContain('suspended');
      expect(refusal(() => checkJsonShape(JSON.parse(`{"${sentence}":{"__proto__":{}}}`)))).toEqual([
        { field: 'body', message: '__proto__ is not an accepted key' },
      ]);
      let deep: unknown = 'leaf';
      for (let i = 0; i < MAX_BODY_DEPTH + 1; i++) deep = { [sentence]: deep };
      expect(refusal(() => checkJsonShape(deep))[0].field).toBe('body');
    });

    it('are not repeated in field errors, which name the nearest field that reads as one', () => {
      expect(capFieldErrors([{ field: sentence, message: `property ${sentence} should not exist` }])).toEqual([
        {
          field: 'request',
          message: 'the request has a property that is not accepted (its name is not repeated here)',
        },
      ]);
      expect(
        capFieldErrors([{ field: `seller.${sentence}`, message: `property ${sentence} should not exist` }]),
      ).toEqual([
        { field: 'seller', message: 'seller has a property that is not accepted (its name is not repeated here)' },
      ]);
    });

    it('are repeated when they read as field names', () => {
      expect(isFieldName('seller.openingHours')).toBe(true);
      expect(isFieldName('items[1].title')).toBe(true);
      expect(isFieldName('filter.category')).toBe(true);
      expect(isFieldName(sentence)).toBe(false);
      expect(isFieldName('a'.repeat(65))).toBe(false);
      expect(isFieldName('__proto__')).toBe(false);
      expect(
        capFieldErrors([{ field: 'seller.timeZone', message: 'seller.timeZone must be an IANA time zone' }]),
      ).toEqual([{ field: 'seller.timeZone', message: 'seller.timeZone must be an IANA time zone' }]);
    });
  });

  it('caps a long error list', () => {
    const errors = Array.from({ length: 500 }, (_, i) => ({ field: `k${i}`, message: 'no' }));
    const capped = capFieldErrors(errors);
    expect(capped).toHaveLength(21);
    expect(capped[20]).toEqual({ field: 'body', message: 'and 480 more errors' });
  });
});
