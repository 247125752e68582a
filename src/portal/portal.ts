import { applyDecorators, CanActivate, ExecutionContext, Injectable, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setFlash } from './flash.js';
import { DomainError } from '../common/domain-error.js';
import type { Messages } from '../i18n/messages.js';
import { capFieldErrors } from '../common/request-shape.js';
import { fieldErrors } from '../common/validation.js';
import { PortalFilter } from './portal.filter.js';
import { raiseUploadRefusal } from '../attachments/uploads.js';

/**
 * Answers a portal controller's strings as HTML pages that are never cached
 * (they hold a CSRF token and private data), and raises a form's upload
 * refusal (see PortalUploadRefusals). A guard, run after the authentication
 * guard, rather than interceptors: a page then costs no observable pipeline.
 */
@Injectable()
export class HtmlPages implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    void http.getResponse<FastifyReply>().type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    raiseUploadRefusal(http.getRequest<FastifyRequest>());
    return true;
  }
}

/** A controller of the portal: HTML pages, errors shown as pages, left out of the API's OpenAPI document. */
export const PortalController = () =>
  applyDecorators(ApiExcludeController(), UseFilters(PortalFilter), UseGuards(HtmlPages));

/**
 * A form's fields checked by the same DTO class the JSON API uses, so a rule
 * lives in one place; failures are the API's field errors.
 */
export async function formDto<T extends object>(type: new () => T, fields: Record<string, unknown>): Promise<T> {
  const dto = plainToInstance(type, fields);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  if (errors.length > 0) {
    const list = capFieldErrors(fieldErrors(errors));
    throw new DomainError('invalid', list.map((e) => e.message).join('; '), { errors: list });
  }
  return dto;
}

/** A form's text field, or undefined when it was left empty. */
export const field = (form: Record<string, unknown>, name: string): string | undefined => {
  const value = form[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
};

/** The notice after sending a message the content policy held: not "Sent", and where to look. */
export const heldNotice = (i18n: Messages): string => i18n.t('form.heldNotice');

/** Where a page goes after a change (303, so a reload never repeats it), with a one-off notice for the next page. */
export function redirectTo(reply: FastifyReply, path: string, notice?: string): void {
  if (notice) setFlash(reply, notice);
  void reply.status(303).header('Location', path).send();
}

/** A message form's fields as the message DTOs take them: the body, and `internal` only when support ticked it. */
export function messageFields(form: Record<string, unknown>): { body: unknown; internal?: true } {
  return form.internal === true || form.internal === 'true' ? { body: form.body, internal: true } : { body: form.body };
}
