import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  validate,
} from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { IsTimeZone } from '../calendar/calendar.validators.js';
import { SingleLine } from '../common/validators.js';
import { fieldErrors } from '../common/validation.js';
import { Locales } from '../i18n/locales.js';
import { fieldLabel, fieldMessage, humanFieldMessage, listedFieldError } from './refused-form.js';
import { tryAgainIn } from './portal.filter.js';

const en = new Locales().messages('en');

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

class Form {
  @IsNotEmpty() filled: string;
  @IsEmail() email: string;
  @MinLength(1) subject: string;
  @MinLength(12) newPassword: string;
  @MaxLength(2000) reason: string;
  @Max(30) days: number;
  @Min(1) seconds: number;
  @IsIn(['buyer', 'seller']) role: string;
  @IsInt() count: number;
  @IsISO8601() from: string;
  @IsUUID() orderId: string;
  @IsTimeZone() timeZone: string;
  @SingleLine() name: string;
  @MaxLength(200, { message: 'The search can be at most 200 characters' }) q: string;
}

describe('field errors with a code', () => {
  const refused = async () =>
    fieldErrors(
      await validate(
        plainToInstance(Form, {
          filled: '',
          email: 'nope',
          subject: '',
          newPassword: 'short',
          reason: 'x'.repeat(2001),
          days: 31,
          seconds: 0,
          role: 'admin',
          count: 1.5,
          from: 'yesterday',
          orderId: 'x',
          timeZone: 'Europe/Munich',
          name: 'a\nb',
          q: 'y'.repeat(201),
        }),
      ),
    );

  it('carry the rule and the values its sentence names, and read in English as the message did', async () => {
    const errors = await refused();
    expect(errors).toHaveLength(14);
    expect(errors.find((error) => error.field === 'reason')).toMatchObject({ code: 'maxLength', args: { max: 2000 } });
    expect(errors.find((error) => error.field === 'role')).toMatchObject({
      code: 'isIn',
      args: { values: 'buyer, seller' },
    });
    for (const error of errors) {
      if (error.field !== 'q')
        expect({ field: error.field, code: error.code }).toEqual({ field: error.field, code: expect.any(String) });
      expect(fieldMessage(error, en)).toBe(humanFieldMessage(error.field, error.message));
    }
  });

  it('keep only the message when a rule was given a message of its own', async () => {
    const q = (await refused()).find((error) => error.field === 'q')!;
    expect(q.code).toBeUndefined();
    expect(fieldMessage(q, en)).toBe('The search can be at most 200 characters');
  });

  it('are worded in the reader’s language, with the field’s label where no field shows them', async () => {
    const reason = (await refused()).find((error) => error.field === 'reason')!;
    expect(listedFieldError(reason, en)).toBe('Reason: Please keep this to 2000 characters or fewer.');
    expect(fieldLabel('seller.timeZone', en)).toBe('Time zone');
    expect(fieldLabel('amount.amount', en)).toBe('Amount');
    expect(fieldLabel('webhookSecretKey', en)).toBe('Webhook secret key');
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
    expect(tryAgainIn(detail, seconds, en)).toBe(expected);
  });
});
