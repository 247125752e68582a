import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** C0 and C1 control characters (tab, newlines and NUL among them), and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- these are exactly the characters a single-line field refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A single line of text: no newlines, tabs or other control characters (names, subjects, references). */
export function SingleLine(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'singleLine',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !CONTROL.test(value),
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} must be a single line without control characters`,
      },
    });
}
