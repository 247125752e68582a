import type { FastifyReply, FastifyRequest } from 'fastify';
import { HTMLElement, parse } from 'node-html-parser';
import { CSRF_FIELD, PAGE_FIELD } from '../auth/browser-session.js';
import type { FieldError } from '../common/domain-error.js';
import type { Problem } from '../common/problem.filter.js';
import type { Messages } from '../i18n/messages.js';

/** Marks the request that renders a refused form's page, so a refusal there cannot render again. */
const RENDERING = 'x-parley-refused-form';
/** Fields never written back into a form: secrets, and what the page itself sets. */
const NOT_REFILLED = new Set([CSRF_FIELD, PAGE_FIELD]);
const REFILLED_INPUTS = new Set(['text', 'email', 'number', 'search', 'url', 'tel', 'date', 'datetime-local', 'time']);

/**
 * A refused form shown again, as Rails and Django do it: the page the form is
 * on, rendered afresh for the same viewer, with what they typed put back, each
 * error beside its field and the reason at the top of the form; an earlier
 * notice is gone. The same page answers a browser without JavaScript and a
 * form sent by htmx (which swaps it in like any boosted page), so no form
 * needs its own error handling. The errors are in the reader's language
 * (`i18n`, as the page is). Undefined when there is no page to show (the
 * form says nothing of its page, the page is gone, or it fails too).
 */
export async function refusedFormPage(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
  i18n: Messages,
): Promise<string | undefined> {
  if (request.headers[RENDERING] !== undefined) return undefined;
  const submitted = submittedForm(request);
  if (!submitted) return undefined;
  const page = await request.server.inject({
    method: 'GET',
    url: submitted.page,
    headers: forwardedHeaders(request),
  });
  const type = page.headers['content-type'];
  if (page.statusCode !== 200 || typeof type !== 'string' || !type.startsWith('text/html')) return undefined;
  const doctype = /^<!doctype html>/i.exec(page.body)?.[0] ?? '';
  const root = parse(page.body.slice(doctype.length), { comment: false });
  const main = root.querySelector('main#main');
  const form = main ? findForm(main, submitted) : undefined;
  if (!main || !form) return undefined;
  // The page's cookies (the notice it took, a fresh sign-in nonce) hold as for any page.
  const cookies = page.headers['set-cookie'];
  if (cookies !== undefined) void reply.header('Set-Cookie', cookies);
  refill(form, submitted.values);
  markErrors(form, problem, i18n);
  // A form folded away ("Report suspicious") is unfolded, so its errors are seen.
  for (let parent = form.parentNode; parent; parent = parent.parentNode)
    if (parent.tagName?.toLowerCase() === 'details') parent.setAttribute('open', '');
  root.querySelector('#flash')?.set_content('');
  return `${doctype}${root.toString()}`;
}

interface SubmittedForm {
  /** Where the form was: an address under /app. */
  page: string;
  /** Where it was sent, without the query for a GET form. */
  action: string;
  method: 'get' | 'post';
  values: Record<string, string[]>;
}

/** What the browser sent: a POST names its page in PAGE_FIELD; a GET form's page is its own address without the query. */
function submittedForm(request: FastifyRequest): SubmittedForm | undefined {
  const url = new URL(request.url, 'http://parley.invalid');
  if (request.method === 'GET') {
    if (url.search === '') return undefined;
    return { page: url.pathname, action: url.pathname, method: 'get', values: valuesOf(request.query) };
  }
  if (request.method !== 'POST') return undefined;
  const values = valuesOf(request.body);
  const page = portalAddress(values[PAGE_FIELD]?.[0]);
  if (page === undefined) return undefined;
  return { page, action: `${url.pathname}${url.search}`, method: 'post', values };
}

/**
 * An address under /app on this site, or undefined: a form can only name a
 * page of the portal, rendered for its own sender, so it can show them
 * nothing they could not open themselves. (Every GET under /app must stay
 * free of side effects, as it is: a refusal renders one.)
 */
function portalAddress(value: string | undefined): string | undefined {
  if (value === undefined || !value.startsWith('/app') || value.startsWith('//') || value.includes('\\'))
    return undefined;
  const url = new URL(value, 'http://parley.invalid');
  if (url.origin !== 'http://parley.invalid' || !/^\/app(\/|$)/.test(url.pathname)) return undefined;
  return `${url.pathname}${url.search}`;
}

function valuesOf(input: unknown): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  if (typeof input !== 'object' || input === null) return values;
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    const list = (Array.isArray(value) ? value : [value]).filter((item) => typeof item === 'string');
    if (list.length > 0) values[name] = list;
  }
  return values;
}

/** The page is rendered for the same viewer: their session, language and browser. */
function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { [RENDERING]: '1' };
  for (const name of ['cookie', 'accept-language', 'user-agent', 'x-forwarded-for', 'x-forwarded-proto']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** The form that was sent: the one posting to the same address; of several, the one holding most of the sent fields. */
function findForm(main: HTMLElement, submitted: SubmittedForm): HTMLElement | undefined {
  const candidates = main.querySelectorAll('form').filter((form) => {
    const method = (form.getAttribute('method') ?? 'get').toLowerCase();
    if (method !== submitted.method) return false;
    const action = new URL(form.getAttribute('action') ?? submitted.page, `http://parley.invalid${submitted.page}`);
    const address = submitted.method === 'get' ? action.pathname : `${action.pathname}${action.search}`;
    return address === submitted.action;
  });
  const sent = Object.keys(submitted.values);
  const score = (form: HTMLElement) =>
    sent.filter((name) => form.querySelector(`[name="${cssString(name)}"]`) !== null).length;
  return candidates.sort((a, b) => score(b) - score(a))[0];
}

const cssString = (value: string) => value.replace(/["\\]/g, '\\$&');

/** Puts back what was typed and chosen; never a password, a file or the page's own hidden fields. */
function refill(form: HTMLElement, values: Record<string, string[]>): void {
  for (const field of form.querySelectorAll('input[name], textarea[name], select[name]')) {
    const name = field.getAttribute('name') ?? '';
    if (NOT_REFILLED.has(name)) continue;
    const sent = values[name] ?? [];
    const tag = field.tagName.toLowerCase();
    if (tag === 'textarea') {
      field.set_content(escapeText(sent[0] ?? ''));
    } else if (tag === 'select') {
      for (const option of field.querySelectorAll('option')) {
        const value = option.getAttribute('value') ?? option.text;
        if (sent.includes(value)) option.setAttribute('selected', '');
        else option.removeAttribute('selected');
      }
    } else {
      const type = (field.getAttribute('type') ?? 'text').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        if (sent.includes(field.getAttribute('value') ?? 'on')) field.setAttribute('checked', '');
        else field.removeAttribute('checked');
      } else if (REFILLED_INPUTS.has(type) && sent.length > 0) {
        // The parser writes attribute values as given (quoting only `"`): `&` is escaped so `&lt;` comes back as typed.
        field.setAttribute('value', sent[0].replace(/&/g, '&amp;'));
      }
    }
  }
}

/**
 * Each field error beside its field (`aria-invalid`, described by the
 * message), the first such field focused; at the top of the form the reason,
 * and the errors no field of the form shows. Said once, in words for people.
 */
function markErrors(form: HTMLElement, problem: Problem, i18n: Messages): void {
  const id = formId(form);
  const unplaced: FieldError[] = [];
  let first: HTMLElement | undefined;
  for (const error of problem.errors ?? []) {
    const field = fieldFor(form, error.field);
    if (!field) {
      unplaced.push(error);
      continue;
    }
    const name = field.getAttribute('name') ?? error.field;
    const messageId = `${id}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}-error`;
    if (form.querySelector(`#${messageId}`)) continue;
    const message = `<p class="field-error" id="${messageId}">${escapeText(fieldMessage(error, i18n))}</p>`;
    // Boxes to tick in a fieldset are one field: each box is marked, the message goes under the group's legend.
    const group = /^(checkbox|radio)$/i.test(field.getAttribute('type') ?? '') ? field.closest('fieldset') : null;
    const marked = group ? group.querySelectorAll(`[name="${cssString(name)}"]`) : [field];
    for (const box of marked) {
      const described = box.getAttribute('aria-describedby');
      box.setAttribute('aria-invalid', 'true');
      box.setAttribute('aria-describedby', described ? `${described} ${messageId}` : messageId);
    }
    const legend = group?.querySelector('legend');
    if (legend) legend.insertAdjacentHTML('afterend', message);
    else if (group) group.insertAdjacentHTML('afterbegin', message);
    else field.insertAdjacentHTML('afterend', message);
    first ??= field;
  }
  first?.setAttribute('autofocus', '');
  const placed = (problem.errors?.length ?? 0) - unplaced.length;
  // Said once: the field errors in words (those no field shows, each with its name), else the reason.
  const summary =
    placed > 0
      ? i18n.t(unplaced.length > 0 ? 'form.refused.markedAndFollowing' : 'form.refused.marked', { count: placed })
      : unplaced.length > 0
        ? i18n.t('form.refused.following')
        : (problem.detail ?? i18n.t('form.refused.failed'));
  const list = unplaced.map((error) => `<li>${escapeText(listedFieldError(error, i18n))}</li>`).join('');
  form.insertAdjacentHTML(
    'afterbegin',
    `<div class="error form-error" role="alert" id="${id}-problem"><p>${escapeText(summary)}</p>${list ? `<ul>${list}</ul>` : ''}</div>`,
  );
  if (!first) form.querySelector(`#${id}-problem`)?.setAttribute('tabindex', '-1');
}

function formId(form: HTMLElement): string {
  let id = form.getAttribute('id');
  if (!id) {
    id = 'refused-form';
    form.setAttribute('id', id);
  }
  return id;
}

/** The form's field for an error's field: the same name, or for `amount.amount` the field `amount`, or `amount` alone. */
function fieldFor(form: HTMLElement, field: string): HTMLElement | undefined {
  const segments = field.split('.');
  const names = [field, segments[0], segments[segments.length - 1]];
  for (const name of names) {
    const found = form
      .querySelectorAll(`[name="${cssString(name)}"]`)
      .find((element) => (element.getAttribute('type') ?? '').toLowerCase() !== 'hidden');
    if (found) return found;
  }
  return undefined;
}

const STARTS_WITH_VERB = /^(is|are|was|has|have|must|should|can|cannot|may|does|do)\b/;

/** class-validator's standard sentences, as a person at the form would say them. */
const PLAIN_WORDS: [RegExp, (...groups: string[]) => string][] = [
  [
    /^(should not be empty|must not be empty|must not be empty or only white space|must be longer than or equal to 1 characters?)$/,
    () => 'Please fill this in.',
  ],
  [/^must be longer than or equal to (\d+) characters?$/, (n) => `Please enter at least ${n} characters.`],
  [/^must be shorter than or equal to (\d+) characters?$/, (n) => `Please keep this to ${n} characters or fewer.`],
  [/^must be an email$/, () => 'Please enter an email address, like name@example.com.'],
  [/^must be one of the following values: (.+)$/, (list) => `Please choose one of: ${list}.`],
  [/^must not be greater than (\S+)$/, (n) => `Please enter ${n} or less.`],
  [/^must not be less than (\S+)$/, (n) => `Please enter ${n} or more.`],
  [/^must be an integer number$/, () => 'Please enter a whole number.'],
  [/^must be a valid ISO 8601 date string$/, () => 'Please enter a date.'],
  [/^must be a UUID$/, () => 'This is not one of the choices offered.'],
];

/**
 * An API field error in words for the person at the form: without the
 * internal field name ("currentPassword is not your current password" is
 * "This is not your current password" beside the password field), and
 * class-validator's standard sentences said plainly ("Please fill this in.").
 */
export function humanFieldMessage(field: string, message: string): string {
  const segments = field.split('.');
  let text = message;
  for (const name of [field, segments[segments.length - 1]]) {
    if (text.startsWith(`${name} `)) {
      text = text.slice(name.length + 1);
      break;
    }
  }
  if (text === message) return capitalise(text);
  for (const [pattern, say] of PLAIN_WORDS) {
    const match = pattern.exec(text);
    if (match) return say(...match.slice(1));
  }
  return STARTS_WITH_VERB.test(text) ? `This ${text}` : capitalise(text);
}

/** The first letter in capitals, unless the text starts with a name like `notes.png`. */
const capitalise = (text: string) => (/^[a-z]+(\s|$)/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/**
 * A field error in the reader's words: the catalogue's sentence for its rule
 * (`errors.field.maxLength`) when it has a code, else the API's message made
 * plain (in English, as the API says it).
 */
export function fieldMessage(error: FieldError, i18n: Messages): string {
  const key = error.code === undefined ? undefined : `errors.field.${error.code}`;
  if (key !== undefined && i18n.has(key)) return i18n.t(key, error.args);
  return humanFieldMessage(error.field, error.message);
}

/** A field error where no field of a form shows it: its label, then its words ("Time zone: This must be…"). */
export function listedFieldError(error: FieldError, i18n: Messages): string {
  return i18n.t('errors.fieldList.item', { label: fieldLabel(error.field, i18n), message: fieldMessage(error, i18n) });
}

/**
 * An API field's name as a label, where no form shows the field: the
 * catalogue's `form.field.<name>` (`seller.timeZone` is "Time zone"), else
 * its words ("Amount" for `amount.amount`).
 */
export function fieldLabel(field: string, i18n: Messages): string {
  const name = field.split('.').pop() ?? field;
  const key = `form.field.${name}`;
  if (i18n.has(key)) return i18n.t(key);
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
