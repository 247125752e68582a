import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from './domain-error.js';
import { capFieldErrors } from './request-shape.js';

/**
 * class-validator's sentences (after the property's name) for the rules the
 * portal words in the reader's language, with the values they name. A rule
 * given a message of its own (`{ message: … }`) does not match, and its error
 * keeps only that message.
 */
const RULE_SENTENCES: Record<string, RegExp> = {
  isNotEmpty: /^should not be empty$/,
  isEmail: /^must be an email$/,
  minLength: /^must be longer than or equal to (?<min>\d+) characters?$/,
  maxLength: /^must be shorter than or equal to (?<max>\d+) characters?$/,
  min: /^must not be less than (?<min>-?\d+(?:\.\d+)?)$/,
  max: /^must not be greater than (?<max>-?\d+(?:\.\d+)?)$/,
  isIn: /^must be one of the following values: (?<values>.+)$/,
  isInt: /^must be an integer number$/,
  isIso8601: /^must be a valid ISO 8601 date string$/,
  isUuid: /^must be a UUID$/,
  isTimeZone: /^must be an IANA time zone such as Europe\/Berlin$/,
  isCalendarDate: /^must be a date as YYYY-MM-DD$/,
  singleLine: /^must be a single line without control characters$/,
};

/** A rule's error with its code and the values its sentence names, when the message is the rule's own sentence. */
function coded(field: string, property: string, rule: string, message: string): FieldError {
  const sentence = Object.hasOwn(RULE_SENTENCES, rule) ? RULE_SENTENCES[rule] : undefined;
  const match = message.startsWith(`${property} `) ? sentence?.exec(message.slice(property.length + 1)) : null;
  if (!match) return { field, message };
  const args = Object.fromEntries(
    Object.entries(match.groups ?? {}).map(([name, value]) => [name, name === 'values' ? value : Number(value)]),
  );
  return Object.keys(args).length > 0 ? { field, message, code: rule, args } : { field, message, code: rule };
}

/** Flattens nested class-validator errors into `{ field: "seller.timeZone", message, code? }`. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) =>
      coded(field, error.property, rule, message),
    );
    return own.concat(fieldErrors(error.children ?? [], field));
  });
}

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    // Decorators run bottom-up: DTOs put the type check nearest the property, so it is the one reported.
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      // The API's field errors are a field and a message (docs/api.md); codes serve the portal's pages.
      const list = capFieldErrors(fieldErrors(errors)).map(({ field, message }) => ({ field, message }));
      return new BadRequestException({
        message: `Invalid ${list.map((e) => e.field).join(', ')}`,
        errors: list,
      });
    },
  });
}
