import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be sent. Parley POSTs to URLs an admin types, from
 * inside the operator's network, so a URL must not be a way to reach what
 * only that network can: the database, the host itself, a cloud metadata
 * service. Only public unicast addresses are allowed, checked on the URL
 * at registration and on the address actually connected to at delivery
 * (a name may resolve elsewhere by then). A URL must also mean to the URL
 * parser what it says to a person reading it.
 */

/** What kind of address a refused target is, as an admin reads it in an error or a delivery's `lastError`. */
export type AddressKind =
  | 'loopback'
  | 'private network'
  | 'link-local'
  | 'cloud metadata'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

export type TargetRefusal =
  | { rule: 'not-http' }
  | { rule: 'credentials' }
  | { rule: 'address'; kind: AddressKind }
  | { rule: 'unclear'; why: 'control' | 'backslash' | 'form' | 'escaped-host' | 'ipv4-spelling' };

/** Metadata services of cloud providers; those not already in a refused range (Azure's is a public address) are refused by name here. */
const CLOUD_METADATA = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '168.63.129.16',
  '100.100.100.200',
  'fd00:ec2::254',
]);

const IPV4_KINDS: Partial<Record<ReturnType<ipaddr.IPv4['range']>, AddressKind>> = {
  loopback: 'loopback',
  private: 'private network',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  multicast: 'multicast',
  unspecified: 'unspecified',
};

const IPV6_KINDS: Partial<Record<ReturnType<ipaddr.IPv6['range']>, AddressKind>> = {
  loopback: 'loopback',
  uniqueLocal: 'private network',
  linkLocal: 'link-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
};

/** Global unicast IPv6 (2000::/3): everything outside it is reserved, local or not routed on the internet. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** The well-known NAT64 prefix, which carries an IPv4 address in its last 32 bits. */
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** Why an IP address (as the resolver returns it, or a URL's host without brackets) may not be a webhook target; null when it is public. */
export function addressRefusal(address: string): AddressKind | null {
  if (!ipaddr.isValid(address)) return 'reserved';
  const parsed = ipaddr.parse(address);
  if (CLOUD_METADATA.has(parsed.toNormalizedString()) || CLOUD_METADATA.has(parsed.toString())) return 'cloud metadata';
  if (parsed.kind() === 'ipv4') {
    const range = (parsed as ipaddr.IPv4).range();
    return range === 'unicast' ? null : (IPV4_KINDS[range] ?? 'reserved');
  }
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress() || v6.match(NAT64))
    return addressRefusal(ipaddr.fromByteArray(v6.toByteArray().slice(12)).toString());
  const range = v6.range();
  if (range === 'unicast' && v6.match(GLOBAL_UNICAST_V6)) return null;
  return IPV6_KINDS[range] ?? 'reserved';
}

// eslint-disable-next-line no-control-regex -- these are exactly the characters a URL parser drops or a reader cannot see
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * Why a URL may not be a webhook target, or null. The host checked is the
 * one the WHATWG URL parser (which the sender uses too) reads, so
 * `0x7f000001`, `127.1` and `[::ffff:127.0.0.1]` are the loopback address
 * they are. Names are checked here only for what needs no DNS
 * (`localhost`); the addresses they resolve to are checked by the caller.
 */
export function targetRefusal(raw: string, options: { allowPrivate: boolean }): TargetRefusal | null {
  const url = parseHttpUrl(raw);
  if (!url) return { rule: 'not-http' };
  const authority = /^https?:\/\/([^/\\?#]*)/i.exec(raw)?.[1];
  if (url.username !== '' || url.password !== '' || authority?.includes('@')) return { rule: 'credentials' };
  if (!options.allowPrivate) {
    const literal = ipLiteral(url);
    const kind = literal ? addressRefusal(literal) : isLocalhost(url.hostname) ? 'loopback' : null;
    if (kind) return { rule: 'address', kind };
  }
  if (CONTROL_OR_SPACE.test(raw)) return { rule: 'unclear', why: 'control' };
  if (raw.includes('\\')) return { rule: 'unclear', why: 'backslash' };
  if (!authority) return { rule: 'unclear', why: 'form' };
  const written = authority.startsWith('[')
    ? authority.slice(0, authority.indexOf(']') + 1)
    : authority.replace(/:\d*$/, '');
  if (written.includes('%')) return { rule: 'unclear', why: 'escaped-host' };
  if (isIP(url.hostname) === 4 && written !== url.hostname) return { rule: 'unclear', why: 'ipv4-spelling' };
  // ASCII names must read as parsed; internationalised ones are stored by the parser in their xn-- form.
  if (
    !written.startsWith('[') &&
    isIP(url.hostname) === 0 &&
    /^[\x20-\x7e]*$/.test(written) &&
    written.toLowerCase() !== url.hostname
  ) {
    return { rule: 'unclear', why: 'form' };
  }
  return null;
}

/** The URL if it is one the WHATWG parser reads with an http or https scheme. */
export function parseHttpUrl(raw: string): URL | null {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : null;
}

/** The host name whose addresses must be resolved and checked; null when the host is an IP address (checked by `targetRefusal`). */
export function nameToResolve(url: URL): string | null {
  return ipLiteral(url) ? null : url.hostname;
}

function ipLiteral(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : null;
}

/** RFC 6761: `localhost` and every name under it are the host itself, whatever DNS says. */
function isLocalhost(hostname: string): boolean {
  const name = hostname.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

const KIND_WORDS: Record<AddressKind, string> = {
  loopback: 'a loopback address (the server itself)',
  'private network': 'a private network address',
  'link-local': 'a link-local address',
  'cloud metadata': 'a cloud metadata service',
  'carrier-grade NAT': 'a shared carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  reserved: 'a reserved address',
};

const UNCLEAR_WORDS: Record<Extract<TargetRefusal, { rule: 'unclear' }>['why'], string> = {
  control: 'url must not contain spaces or control characters',
  backslash: 'url must not contain a backslash: URL parsers and people read it differently',
  form: 'url must be written as http:// or https:// followed by the host name, as it will be used',
  'escaped-host': 'url must not percent-escape its host name',
  'ipv4-spelling': 'url must write an IPv4 address as four decimal numbers, like 203.0.113.7',
};

/** The field error at registration; `resolved` when the host is a name whose DNS answer was refused. */
export function registrationMessage(refusal: TargetRefusal, resolved = false): string {
  switch (refusal.rule) {
    case 'not-http':
      return 'url must be an http or https URL';
    case 'credentials':
      return 'url must not contain a user name or password; receivers check the signature instead';
    case 'address':
      return `${resolved ? "url's host name resolves to" : 'url points to'} ${KIND_WORDS[refusal.kind]}; webhooks are only sent to public internet addresses`;
    case 'unclear':
      return UNCLEAR_WORDS[refusal.why];
  }
}

/** A delivery's `lastError` when its target is refused: the rule, never the address. */
export function deliveryRefusalMessage(refusal: TargetRefusal): string {
  return refusal.rule === 'address'
    ? `The endpoint's address is not allowed (${refusal.kind})`
    : "The endpoint's URL is not allowed";
}

/** A connection refused by the policy: the host name resolved to an address that is not allowed. */
export class TargetRefusedError extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';

  constructor(readonly refusal: TargetRefusal) {
    super('The webhook target resolved to an address that is not allowed');
    this.name = 'TargetRefusedError';
  }
}
