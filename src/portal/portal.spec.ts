import { formFields } from '../common/http-hardening.js';
import { csrfTokenOf, safeNext, sameToken } from '../auth/browser-session.js';
import { englishMessages } from '../i18n/locales.js';

/** A countdown's words in English, as the server writes them. */
const remaining = (ms: number) => englishMessages().remaining(ms);

describe('portal helpers', () => {
  it('returns after sign-in only to a page of the portal', () => {
    expect(safeNext('/app/cases/8c1d?x=1')).toBe('/app/cases/8c1d?x=1');
    expect(safeNext('/app')).toBe('/app');
    for (const outside of [
      'https://evil.example/app',
      '//evil.example/app',
      '/\\evil.example',
      '/application',
      '/docs',
      'javascript:alert(1)',
      '/app/<script>',
      undefined,
      ['/app/x'],
    ]) {
      expect(safeNext(outside)).toBe('/app');
    }
  });

  it('derives a CSRF token per session, and compares tokens in constant time', () => {
    const token = csrfTokenOf('secret', 'session-1');
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(csrfTokenOf('secret', 'session-2')).not.toBe(token);
    expect(csrfTokenOf('other secret', 'session-1')).not.toBe(token);
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(token.slice(1), token)).toBe(false);
    expect(sameToken(undefined, token)).toBe(false);
    expect(sameToken([token], token)).toBe(false);
  });

  it('keeps a form field given more than once as a list, and a prototype key as a plain key', () => {
    expect(formFields('ids=a&ids=b&ids=c&action=read')).toEqual({ ids: ['a', 'b', 'c'], action: 'read' });
    const fields = formFields('__proto__=x&constructor=y');
    expect(Object.keys(fields).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('says how long until a deadline, and how long past it', () => {
    expect(remaining(2 * 86_400_000 + 3 * 3_600_000)).toBe('in 2 d 3 h');
    expect(remaining(5 * 3_600_000 + 7 * 60_000)).toBe('in 5 h 7 min');
    expect(remaining(59_000)).toBe('in 0 min');
    expect(remaining(-(26 * 3_600_000))).toBe('1 d 2 h overdue');
  });
});
