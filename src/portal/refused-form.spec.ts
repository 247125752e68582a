import { humanFieldMessage } from './refused-form.js';
import { tryAgainIn } from './portal.filter.js';

describe('field errors in words for people', () => {
  it.each([
    ['currentPassword', 'currentPassword is not your current password', 'This is not your current password'],
    [
      'amount.amount',
      'amount.amount must not exceed the order total, $39.00',
      'This must not exceed the order total, $39.00',
    ],
    ['subject', 'subject should not be empty', 'Please fill this in.'],
    ['body', 'body must not be empty or only white space', 'Please fill this in.'],
    ['subject', 'subject must be longer than or equal to 1 characters', 'Please fill this in.'],
    [
      'reason',
      'reason must be shorter than or equal to 2000 characters',
      'Please keep this to 2000 characters or fewer.',
    ],
    ['email', 'email must be an email', 'Please enter an email address, like name@example.com.'],
    ['role', 'role must be one of the following values: buyer, seller', 'Please choose one of: buyer, seller.'],
    ['days', 'days must not be greater than 30', 'Please enter 30 or less.'],
    ['timeZone', 'timeZone Europe/Munich is not a time zone', 'Europe/Munich is not a time zone'],
    ['to', 'The last day is before the first', 'The last day is before the first'],
  ])('%s: "%s" reads "%s"', (field, message, expected) => {
    expect(humanFieldMessage(field, message)).toBe(expected);
  });
});

describe('a limit says when to try again', () => {
  it.each([
    ['Too many messages; try again in 3540 seconds', 3540, 'Too many messages. Please try again in 59 minutes.'],
    [
      'Too many failed sign-ins; try again in 61 seconds',
      61,
      'Too many failed sign-ins. Please try again in 2 minutes.',
    ],
    ['Too many messages; try again in 30 seconds', 30, 'Too many messages. Please try again in 30 seconds.'],
    [undefined, 1, 'Too many attempts. Please try again in 1 second.'],
  ])('"%s" after %i s', (detail, seconds, expected) => {
    expect(tryAgainIn(detail, seconds)).toBe(expected);
  });
});
