import { logTransport } from './log-format.js';

describe('logTransport', () => {
  it('pretty-prints at a terminal and writes JSON lines elsewhere', () => {
    expect(logTransport({ isTTY: true })).toMatchObject({ target: 'pino-pretty' });
    expect(logTransport({ isTTY: false })).toBeUndefined();
    expect(logTransport({})).toBeUndefined();
  });
});
