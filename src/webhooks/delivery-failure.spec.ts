import { attemptFailure, NoAnswerInTimeError, statusFailure } from './delivery-failure.js';
import { TargetRefusedError } from './target-policy.js';

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('attemptFailure', () => {
  it.each<[string, unknown, string]>([
    [
      'a refused connection',
      systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      'The endpoint could not be reached',
    ],
    [
      'an unknown name',
      systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal'),
      'The endpoint could not be reached',
    ],
    [
      'an unreachable host',
      systemError('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.7:22'),
      'The endpoint could not be reached',
    ],
    [
      'a dropped connection',
      systemError('ECONNRESET', 'socket hang up'),
      'The endpoint closed the connection without answering',
    ],
    [
      'a bad certificate',
      systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: IP: 10.0.0.7"),
      "The endpoint's TLS certificate was not accepted",
    ],
    [
      'a self-signed certificate',
      systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      "The endpoint's TLS certificate was not accepted",
    ],
    ['no answer in time', new NoAnswerInTimeError(500), 'The endpoint took longer than 0.5 s to answer'],
    ['no answer in ten seconds', new NoAnswerInTimeError(10_000), 'The endpoint took longer than 10 s to answer'],
    [
      'a name that resolved to loopback',
      new TargetRefusedError({ rule: 'address', kind: 'loopback' }),
      "The endpoint's address is not allowed (loopback)",
    ],
    ['something else', new TypeError('boom at 10.0.0.1:80'), 'The endpoint could not be reached'],
    ['not an error at all', null, 'The endpoint could not be reached'],
  ])('%s', (_name, error, text) => {
    expect(attemptFailure(error)).toBe(text);
  });

  it('an answer that is not 2xx is named by its status only', () => {
    expect(statusFailure(500)).toBe('The endpoint answered 500');
    expect(statusFailure(302)).toBe('The endpoint answered 302');
  });
});
