import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from './domain-error.js';
import { capFieldErrors } from './request-shape.js';

/** Flattens nested class-validator errors into `{ field: "seller.timeZone", message }` pairs. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
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
      const list = capFieldErrors(fieldErrors(errors));
      return new BadRequestException({
        message: `Invalid ${list.map((e) => e.field).join(', ')}`,
        errors: list,
      });
    },
  });
}
