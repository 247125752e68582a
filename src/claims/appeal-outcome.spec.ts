import { appealFunding, appealOutcome, appellantOf } from './appeal-outcome.js';

describe('the appeal outcome', () => {
  it('the party a decision went against is the one who may appeal', () => {
    expect(appellantOf('granted')).toBe('seller');
    expect(appellantOf('denied')).toBe('buyer');
  });

  it.each([
    ['granted', 'upheld', { outcome: 'granted', grantsNow: false, undoesRefund: false }],
    ['granted', 'reversed', { outcome: 'denied', grantsNow: false, undoesRefund: true }],
    ['denied', 'upheld', { outcome: 'denied', grantsNow: false, undoesRefund: false }],
    ['denied', 'reversed', { outcome: 'granted', grantsNow: true, undoesRefund: false }],
  ] as const)('a %s claim, the appeal %s', (first, verdict, expected) => {
    expect(appealOutcome(first, verdict)).toEqual(expected);
  });

  it('only a reversed denial is funded: the seller by default, or whoever the agent chose', () => {
    const reversedDenial = appealOutcome('denied', 'reversed');
    expect(appealFunding(reversedDenial, undefined)).toBe('seller');
    expect(appealFunding(reversedDenial, 'marketplace')).toBe('marketplace');
    expect(appealFunding(appealOutcome('granted', 'reversed'), 'marketplace')).toBeNull();
    expect(appealFunding(appealOutcome('denied', 'upheld'), undefined)).toBeNull();
  });
});
