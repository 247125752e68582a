import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import type { Caller } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import type { FrameJoin, ViewerFrame } from '../inbox/page-frame.js';
import { InboxService } from '../inbox/inbox.service.js';
import type { InboxCountsView } from '../inbox/inbox.dto.js';
import { UsersService } from '../users/users.service.js';
import { I18n } from '../i18n/i18n.service.js';
import type { Messages } from '../i18n/messages.js';
import { csrfTokenOf } from '../auth/browser-session.js';
import type { PageContext } from './views/layout.js';

/** Builds what every page shares: the viewer with the unread count, the application's time. */
@Injectable()
export class PortalPages {
  constructor(
    private readonly users: UsersService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly inbox: InboxService,
    private readonly i18n: I18n,
  ) {}

  get simulatedClock(): boolean {
    return this.config.env.CLOCK_MODE === 'simulated';
  }

  /**
   * A page's context. `frame`: what the page's own statement read of the
   * viewer with `frameJoin` (a list page's); without it, it is read here.
   */
  async context(
    caller: Caller | undefined,
    section?: string,
    request?: FastifyRequest,
    frame?: ViewerFrame,
  ): Promise<PageContext> {
    const now = await this.clock.now();
    const notice = request?.flash;
    const browser = request?.headers['accept-language'];
    if (!caller)
      return { now, simulatedClock: this.simulatedClock, section, notice, i18n: this.i18n.for(null, browser) };
    let person: Pick<ViewerFrame, 'displayName' | 'timeZone' | 'locale'> | undefined = frame;
    let unread = frame?.unread ?? 0;
    if (!frame) {
      const read = await this.inbox.countsAndPerson(caller);
      person = read.person;
      unread = read.counts.unread.total;
    }
    return {
      i18n: this.i18n.for(person?.locale, browser),
      now,
      simulatedClock: this.simulatedClock,
      section,
      notice,
      viewer: {
        id: caller.id,
        role: caller.role,
        displayName: person?.displayName ?? '',
        timeZone: person?.timeZone ?? undefined,
        csrf: csrfTokenOf(this.config.jwtSecret, caller.tokenId ?? ''),
        unread,
        page: request ? pageOf(request) : undefined,
      },
    };
  }

  /** The frame for a page whose own statement reads it (a list's): pass it to that statement, then what it read to `context`. */
  frameJoin(caller: Caller): Promise<FrameJoin> {
    return this.inbox.prepareFrame(caller);
  }

  /** The language of a person's pages (their choice, else their browser's, else the default), for words a controller writes (notices after a change). */
  async messages(caller: Pick<Caller, 'id'> | undefined, request?: FastifyRequest): Promise<Messages> {
    const person = caller ? await this.users.viewerOf(caller.id) : undefined;
    return this.i18n.for(person?.locale, request?.headers['accept-language']);
  }

  /** A person's unread counts with the messages of their language, in one read (the unread badge). */
  async countsAndMessages(
    caller: Caller,
    request?: FastifyRequest,
  ): Promise<{ counts: InboxCountsView; i18n: Messages }> {
    const { person, counts } = await this.inbox.countsAndPerson(caller);
    return { counts, i18n: this.i18n.for(person?.locale, request?.headers['accept-language']) };
  }

  /** What a page needs when nothing else can be known (the database is down): the time now, the browser's language. */
  bare(request?: FastifyRequest): PageContext {
    return { now: new Date(), simulatedClock: false, i18n: this.i18n.for(null, request?.headers['accept-language']) };
  }

  /** Display names of users, for showing who is who. */
  names(ids: (string | null | undefined)[]): Promise<Map<string, string>> {
    return this.users.displayNames(ids);
  }
}

/**
 * The page a request shows: its own address, or for a part of a page that
 * htmx fetched (a list refreshed in place) the address of the page around it.
 */
function pageOf(request: FastifyRequest): string | undefined {
  const partial = request.headers['hx-request'] === 'true' && request.headers['hx-boosted'] !== 'true';
  if (!partial) return request.url;
  const current = request.headers['hx-current-url'];
  if (typeof current !== 'string') return undefined;
  try {
    const url = new URL(current);
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}
