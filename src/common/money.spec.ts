import fc from 'fast-check';
import { DomainError, type FieldError } from './domain-error.js';
import { formatMoney, minorDigits, moneyInputValue, parseMoney } from './money.js';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

/** The field error `parseMoney` refuses with. */
function refusal(run: () => unknown): FieldError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.details.errors?.length === 1) return error.details.errors[0];
    throw error;
  }
  throw new Error('accepted');
}

/** Minor units as a decimal string, by string arithmetic: the oracle for what the helper hands to Intl. */
const decimalOf = (amount: number, digits: number) => {
  const units = String(amount).padStart(digits + 1, '0');
  return digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
};

describe('money in the currency’s own minor units', () => {
  it('knows each currency’s decimals', () => {
    expect(['USD', 'EUR', 'JPY', 'KWD'].map(minorDigits)).toEqual([2, 2, 0, 3]);
    expect(() => minorDigits('usd')).toThrow(RangeError);
  });

  it('counts ISO 4217’s minor unit where CLDR shows fewer decimals: a forint is 100 fillér, a dinar of Iraq 1,000 fils', () => {
    expect(['HUF', 'IDR', 'COP', 'IQD', 'ISK', 'CLP'].map(minorDigits)).toEqual([2, 2, 2, 3, 0, 0]);
    expect(formatMoney({ amount: 123456, currency: 'HUF' })).toBe('HUF\u00a01,234.56');
    expect(parseMoney('1,234.56', 'HUF')).toEqual({ amount: 123456, currency: 'HUF' });
    expect(moneyInputValue({ amount: 1500, currency: 'IQD' })).toBe('1.500');
  });

  it.each([
    [2599, 'USD', 'en', '$25.99'],
    [0, 'USD', 'en', '$0.00'],
    [123456789, 'USD', 'en', '$1,234,567.89'],
    [-2599, 'USD', 'en', '-$25.99'],
    [2599, 'EUR', 'en', '€25.99'],
    [5000, 'JPY', 'en', '¥5,000'],
    [1250, 'KWD', 'en', `KWD${NBSP}1.250`],
    [5, 'KWD', 'en', `KWD${NBSP}0.005`],
    [Number.MAX_SAFE_INTEGER, 'USD', 'en', '$90,071,992,547,409.91'],
    [2599, 'EUR', 'de', `25,99${NBSP}€`],
    [123450, 'EUR', 'fr', `1${NNBSP}234,50${NBSP}€`],
    [5000, 'JPY', 'de', `5.000${NBSP}¥`],
  ])('shows %i %s in %s as %s', (amount, currency, locale, shown) => {
    expect(formatMoney({ amount, currency }, locale)).toBe(shown);
  });

  it('formats only whole minor units', () => {
    expect(() => formatMoney({ amount: 25.99, currency: 'USD' })).toThrow(RangeError);
    expect(() => formatMoney({ amount: 2 ** 53, currency: 'USD' })).toThrow(RangeError);
  });

  it.each([
    [2599, 'USD', 'en', '25.99'],
    [5, 'USD', 'en', '0.05'],
    [123456, 'EUR', 'en', '1234.56'],
    [5000, 'JPY', 'en', '5000'],
    [1250, 'KWD', 'en', '1.250'],
    [2599, 'EUR', 'de', '25,99'],
  ])('prefills a form field with %i %s in %s as %s', (amount, currency, locale, value) => {
    expect(moneyInputValue({ amount, currency }, locale)).toBe(value);
  });

  it.each([
    ['25.99', 'USD', 'en', 2599],
    ['25.9', 'USD', 'en', 2590],
    ['25.', 'USD', 'en', 2500],
    ['.5', 'USD', 'en', 50],
    ['25.990', 'USD', 'en', 2599],
    ['1,250', 'USD', 'en', 125000],
    ['1,234,567.89', 'USD', 'en', 123456789],
    ['1,00,000', 'USD', 'en', 10000000],
    [' 7 ', 'EUR', 'en', 700],
    ['1500', 'JPY', 'en', 1500],
    ['5,000', 'JPY', 'en', 5000],
    ['5000.00', 'JPY', 'en', 5000],
    ['1.250', 'KWD', 'en', 1250],
    ['1.25', 'KWD', 'en', 1250],
    ['0.001', 'KWD', 'en', 1],
    ['90,071,992,547,409.91', 'USD', 'en', Number.MAX_SAFE_INTEGER],
    ['12,50', 'EUR', 'de', 1250],
    ['1.234,50', 'EUR', 'de', 123450],
    ['5.000', 'JPY', 'de', 5000],
    [`1${NNBSP}234,50`, 'EUR', 'fr', 123450],
    ['1 234,50', 'EUR', 'fr', 123450],
    ["1'234.50", 'CHF', 'de-CH', 123450],
  ])('reads %j %s typed in %s as %i minor units', (text, currency, locale, amount) => {
    expect(parseMoney(text, currency, 'amount', locale)).toEqual({ amount, currency });
  });

  it.each([
    ['25.999', 'USD', 'en', 'amount may have at most 2 decimals in USD, such as 1,234.50'],
    ['0.001', 'EUR', 'en', 'amount may have at most 2 decimals in EUR, such as 1,234.50'],
    ['1500.5', 'JPY', 'en', 'amount must be a whole number of JPY, such as 1,234: JPY has no decimals'],
    ['1.2505', 'KWD', 'en', 'amount may have at most 3 decimals in KWD, such as 1,234.500'],
    ['-3', 'USD', 'en', 'amount must not be negative: a number of USD such as 1,234.50'],
    ['−3', 'JPY', 'en', 'amount must not be negative: a number of JPY such as 1,234'],
    ['', 'USD', 'en', 'amount is required: a number of USD such as 1,234.50'],
    ['   ', 'KWD', 'en', 'amount is required: a number of KWD such as 1,234.500'],
    ['abc', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['1e3', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    // A European "12,50" is not 1250 dollars.
    ['12,50', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['1,2,5,0', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['$25', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['25.99.1', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['.', 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    [['1', '2'], 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    [undefined, 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['1'.repeat(41), 'USD', 'en', 'amount must be a number of USD such as 1,234.50'],
    ['90,071,992,547,409.92', 'USD', 'en', 'amount is too large'],
    ['12.50', 'EUR', 'de', 'amount must be a number of EUR such as 1.234,50'],
    ['12,505', 'EUR', 'de', 'amount may have at most 2 decimals in EUR, such as 1.234,50'],
  ])('refuses %j %s typed in %s: %s', (text, currency, locale, message) => {
    expect(refusal(() => parseMoney(text, currency, 'amount', locale))).toEqual({ field: 'amount.amount', message });
  });

  it.each([['usd'], ['XYZW'], [undefined], [['USD']]])('refuses the currency %j', (currency) => {
    expect(refusal(() => parseMoney('10', currency))).toEqual({
      field: 'amount.currency',
      message: 'currency must be an ISO 4217 code such as USD',
    });
  });

  it('names the refused field as the API does', () => {
    expect(refusal(() => parseMoney('x', 'USD', 'refund')).field).toBe('refund.amount');
  });

  const money = fc.record({ amount: fc.maxSafeNat(), currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'CLF') });
  const locale = fc.constantFrom('en', 'de', 'fr', 'de-CH', 'en-IN');

  it('reads back what it prefills a field with, in any locale', () => {
    fc.assert(
      fc.property(money, locale, (m, l) =>
        expect(parseMoney(moneyInputValue(m, l), m.currency, 'amount', l)).toEqual(m),
      ),
    );
  });

  it('reads back a number grouped as the locale groups it', () => {
    fc.assert(
      fc.property(money, locale, (m, l) => {
        const digits = minorDigits(m.currency);
        const grouped = new Intl.NumberFormat(l, {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        }).format(decimalOf(m.amount, digits) as `${number}`);
        expect(parseMoney(grouped, m.currency, 'amount', l)).toEqual(m);
      }),
    );
  });

  it('shows the amount Intl shows for the same value in major units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.constantFrom('USD', 'EUR', 'JPY', 'KWD'),
        (amount, currency) => {
          const digits = minorDigits(currency);
          expect(formatMoney({ amount, currency })).toBe(
            new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount / 10 ** digits),
          );
          expect(moneyInputValue({ amount, currency })).toBe(decimalOf(amount, digits));
        },
      ),
    );
  });

  it('refuses any decimal beyond the currency’s', () => {
    fc.assert(
      fc.property(money, fc.integer({ min: 1, max: 9 }), (m, extra) => {
        const digits = minorDigits(m.currency);
        const text = `${decimalOf(m.amount, digits)}${digits === 0 ? '.' : ''}${extra}`;
        expect(refusal(() => parseMoney(text, m.currency)).field).toBe('amount.amount');
      }),
    );
  });
});
