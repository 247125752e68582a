import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import {
  addressRefusal,
  AddressKind,
  nameToResolve,
  parseHttpUrl,
  registrationMessage,
  TargetRefusal,
  targetRefusal,
  TargetRefusedError,
} from './target-policy.js';

/** How long registration waits for DNS before accepting the name as it is (delivery checks it again anyway). */
const REGISTRATION_LOOKUP_MS = 3_000;

/** Resolves webhook host names; injected by this class, so a test can answer for DNS. */
export abstract class WebhookResolver {
  abstract lookup(hostname: string): Promise<LookupAddress[]>;
}

export class SystemWebhookResolver extends WebhookResolver {
  lookup(hostname: string): Promise<LookupAddress[]> {
    return dnsLookup(hostname, { all: true, verbatim: true });
  }
}

/**
 * Applies the webhook target policy (target-policy.ts) where it needs the
 * configuration and DNS: on the URL at registration, and on every address a
 * delivery is about to connect to. WEBHOOK_ALLOW_PRIVATE turns the address
 * rules off (development and tests); the rules on the URL's form stay.
 */
@Injectable()
export class WebhookTargetsService {
  constructor(
    private readonly config: AppConfig,
    private readonly resolver: WebhookResolver,
  ) {}

  private get allowPrivate(): boolean {
    return this.config.env.WEBHOOK_ALLOW_PRIVATE;
  }

  /** Refuses a URL at registration (400 naming `url`); a name that does not resolve now is accepted, as delivery checks again. */
  async checkRegistration(raw: string): Promise<void> {
    const refusal = this.refusal(raw);
    if (refusal) throw DomainError.invalid('url', registrationMessage(refusal));
    const name = this.allowPrivate ? null : nameToResolve(parseHttpUrl(raw)!);
    if (name === null) return;
    const addresses = await withTimeout(this.resolver.lookup(name), REGISTRATION_LOOKUP_MS).catch(() => []);
    const kind = firstRefused(addresses);
    if (kind) throw DomainError.invalid('url', registrationMessage({ rule: 'address', kind }, true));
  }

  /** What the policy says of a stored URL before a delivery connects (an address literal is connected to without any lookup). */
  refusal(raw: string): TargetRefusal | null {
    return targetRefusal(raw, { allowPrivate: this.allowPrivate });
  }

  /**
   * The `lookup` of a delivery's connection: the addresses the socket will
   * use are the ones checked, so a name that now resolves somewhere private
   * (DNS rebinding) is never connected to.
   */
  readonly lookup: LookupFunction = (hostname: string, options: LookupOptions, callback) => {
    this.resolver.lookup(hostname).then(
      (resolved) => {
        const kind = this.allowPrivate ? null : firstRefused(resolved);
        if (kind) return callback(new TargetRefusedError({ rule: 'address', kind }), '');
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const addresses = family ? resolved.filter((address) => address.family === family) : resolved;
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** Refused if any address is: a name with one private address among public ones is still a way in. */
function firstRefused(addresses: LookupAddress[]): AddressKind | null {
  for (const { address } of addresses) {
    const kind = addressRefusal(address);
    if (kind) return kind;
  }
  return null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
