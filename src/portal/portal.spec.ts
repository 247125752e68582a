import { formFields } from '../common/http-hardening.js';
import { DomainError } from '../common/domain-error.js';
import { moneyOf } from './claim-pages.controller.js';
import { csrfTokenOf, safeNext, sameToken } from './portal-session.js';
import { remaining } from './views/layout.js';

describe('portal helpers', () => {
  it('reads money typed in a form in the currency’s minor units', () => {
    expect(moneyOf('25.99', 'USD')).toEqual({ amount: 2599, currency: 'USD' });
    expect(moneyOf('25.9', 'USD')).toEqual({ amount: 2590, currency: 'USD' });
    expect(moneyOf('1,250', 'USD')).toEqual({ amount: 125000, currency: 'USD' });
    expect(moneyOf(' 7 ', 'EUR')).toEqual({ amount: 700, currency: 'EUR' });
    // The yen has no minor unit: 1500 yen is 1500.
    expect(moneyOf('1500', 'JPY')).toEqual({ amount: 1500, currency: 'JPY' });
    for (const [text, currency, field] of [
      ['25.999', 'USD', 'amount.amount'],
      ['1500.5', 'JPY', 'amount.amount'],
      ['-3', 'USD', 'amount.amount'],
      ['1e3', 'USD', 'amount.amount'],
      ['', 'USD', 'amount.amount'],
      [['1', '2'], 'USD', 'amount.amount'],
      ['10', 'usd', 'amount.currency'],
      ['10', 'XYZW', 'amount.currency'],
      ['10', undefined, 'amount.currency'],
    ] as const) {
      let error: unknown;
      try {
        moneyOf(text, currency);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).details.errors?.[0].field).toBe(field);
    }
  });

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
