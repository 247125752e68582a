import { QueryFailedError } from 'typeorm';
import { errSerializer, logTransport } from './log-format.js';

describe('logTransport', () => {
  it('pretty-prints at a terminal and writes JSON lines elsewhere', () => {
    expect(logTransport({ isTTY: true })).toMatchObject({ target: 'pino-pretty' });
    expect(logTransport({ isTTY: false })).toBeUndefined();
    expect(logTransport({})).toBeUndefined();
  });

  it('logs a failed query without its parameters', () => {
    const driverError = Object.assign(new Error('null value in column'), {
      detail: 'Failing row contains (bob@example.com, scrypt$hash)',
      parameters: ['scrypt$hash'],
    });
    const error = new QueryFailedError(
      'INSERT INTO users (email, password_hash) VALUES ($1, $2)',
      ['bob@example.com', 'scrypt$hash'],
      driverError,
    );
    const logged = JSON.stringify(errSerializer(error));
    expect(logged).toContain('INSERT INTO users');
    expect(logged).not.toContain('bob@example.com');
    expect(logged).not.toContain('scrypt$hash');
    // The form pino-http passes on: already serialized by pino.
    const again = JSON.stringify(
      errSerializer(JSON.parse(JSON.stringify({ ...error, message: error.message })) as unknown),
    );
    expect(again).not.toContain('scrypt$hash');
  });
});
