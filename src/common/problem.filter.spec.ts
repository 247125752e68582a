import { Logger } from '@nestjs/common';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable, isStatementTimeout, toProblem } from './problem.filter.js';
import { isRetryableConflict } from './transaction.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'a refused connection (a bare object, as pg reports it)',
      { errno: -111, code: 'ECONNREFUSED', syscall: 'connect' },
    ],
    [
      'the server shutting down',
      new QueryFailedError(
        'SELECT 1',
        [],
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ],
    ['a connection lost mid-transaction', new QueryRunnerAlreadyReleasedError()],
    ['a connection lost mid-transaction, as the entity manager says it', new QueryRunnerProviderAlreadyReleasedError()],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a constraint violation',
      new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' })),
    ],
    ['a programming error', new TypeError('x is not a function')],
    ['nothing', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('isRetryableConflict', () => {
  it('is true for a deadlock and a serialisation failure, as TypeORM wraps them, and false otherwise', () => {
    const wrapped = (code: string) =>
      new QueryFailedError('UPDATE', [], Object.assign(new Error('conflict'), { code }));
    expect(isRetryableConflict(wrapped('40P01'))).toBe(true);
    expect(isRetryableConflict(wrapped('40001'))).toBe(true);
    expect(isRetryableConflict(wrapped('23505'))).toBe(false);
    expect(isRetryableConflict(undefined)).toBe(false);
  });
});

describe('a statement cancelled by the statement timeout', () => {
  const cancelled = () => Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
  const logger = { warn: () => undefined, error: () => undefined } as unknown as Logger;

  it.each([
    ['as pg reports it', cancelled()],
    ['as TypeORM wraps it', new QueryFailedError('SELECT 1', [], cancelled())],
    ['with only the driver error carrying the code', { message: 'Query failed', driverError: { code: '57014' } }],
  ])('is 503 with Retry-After, not a 500, %s', (_name, error) => {
    expect(isStatementTimeout(error)).toBe(true);
    const { body, retryAfterSeconds } = toProblem(error, logger);
    expect(body).toMatchObject({
      status: 503,
      type: 'https://parley.dev/problems/unavailable',
      detail: expect.stringMatching(/took too long/),
    });
    expect(retryAfterSeconds).toBe(5);
  });

  it('is not any other database error', () => {
    for (const code of ['23505', '57P01', '40001', '55P03'])
      expect(isStatementTimeout(new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code })))).toBe(
        false,
      );
    expect(isStatementTimeout(undefined)).toBe(false);
    expect(
      toProblem(
        new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' })),
        logger,
      ).body.status,
    ).toBe(500);
  });
});
