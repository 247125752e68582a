import type { SharedLimits } from '../common/shared-limits.js';

export interface LoginLimits {
  /** Failures for one account from one address. */
  perAccountAndAddress: number;
  /** Failures from one address, any account. */
  perAddress: number;
  /** Failures for one account from all addresses, after which attempts for it are slowed. */
  slowdownAfter: number;
  /** Checks of one account's current password (password changes), whatever their outcome; a right one starts the count again. */
  passwordChecks: number;
  windowSeconds: number;
}

export type Admission = { refusedForSeconds: number } | { refusedForSeconds: 0; delayMs: number };

const SLOWDOWN_MS = 1000;

/**
 * Against password guessing without handing strangers a way to lock owners
 * out: failures are counted per (account, address) and per address, and both
 * refuse (429) only that address. Failures for an account from everywhere
 * only slow its attempts down, so the owner's right password from its own
 * address always gets through. Counted in PostgreSQL, so every instance
 * applies the same limits.
 */
export class LoginLimiter {
  constructor(
    private readonly limits: LoginLimits,
    private readonly counters: SharedLimits,
  ) {}

  /** Before any work on the body: is this address over its failure limit? */
  async admitAddress(address: string): Promise<number> {
    const [{ count, retryAfterSeconds }] = await this.counters.peek([addressKey(address)]);
    return count >= this.limits.perAddress ? retryAfterSeconds : 0;
  }

  /** May this address try this account now, and after how long a pause? One read of the three windows. */
  async admit(account: string, address: string): Promise<Admission> {
    const [byAddress, pair, everywhere] = await this.counters.peek(keysOf(account, address));
    if (byAddress.count >= this.limits.perAddress) return { refusedForSeconds: byAddress.retryAfterSeconds };
    if (pair.count >= this.limits.perAccountAndAddress) return { refusedForSeconds: pair.retryAfterSeconds };
    return { refusedForSeconds: 0, delayMs: everywhere.count >= this.limits.slowdownAfter ? SLOWDOWN_MS : 0 };
  }

  async recordFailure(account: string, address: string): Promise<void> {
    await this.counters.hit(keysOf(account, address), this.limits.windowSeconds);
  }

  /** The owner got in from this address: its failures from here are forgotten. */
  async recordSuccess(account: string, address: string): Promise<void> {
    await this.counters.clear(pairKey(account, address));
  }

  /**
   * Counts a check of a signed-in user's current password (a password
   * change) before it is made, so parallel guesses cannot slip past the
   * limit; the seconds to wait when past it, or 0. Kept apart from sign-in's
   * windows: someone holding a session cannot guess the password on and on,
   * and cannot lock its address (or anyone) out of signing in by trying.
   */
  takePasswordCheck(userId: string): Promise<number> {
    return this.counters.take(passwordKey(userId), this.limits.passwordChecks, this.limits.windowSeconds);
  }

  /** The right current password was given: the count starts again. */
  async passwordCheckPassed(userId: string): Promise<void> {
    await this.counters.clear(passwordKey(userId));
  }
}

const passwordKey = (userId: string) => `password:account:${userId}`;

const addressKey = (address: string) => `login:address:${address}`;
const pairKey = (account: string, address: string) => `login:pair:${account}:${address}`;
/** The three windows a sign-in is judged by: the address, the account from this address, the account from everywhere. */
const keysOf = (account: string, address: string) => [
  addressKey(address),
  pairKey(account, address),
  `login:account:${account}`,
];
