import { Inject, Injectable } from '@nestjs/common';
import { CLAIM_POLICIES, ClaimPolicy } from '../../config/policies.js';

/** The claim policy versions in force: config/policies.ts, or a test's own list (AppOverrides). */
export const CLAIM_POLICY_LIST = Symbol('CLAIM_POLICY_LIST');

@Injectable()
export class ClaimPolicies {
  constructor(@Inject(CLAIM_POLICY_LIST) private readonly list: readonly ClaimPolicy[] = CLAIM_POLICIES) {}

  /** The version in force at `at` (a new claim is filed under it). */
  at(at: Date): ClaimPolicy {
    const inForce = this.list.filter((policy) => new Date(policy.effectiveFrom) <= at);
    return inForce.length > 0 ? inForce[inForce.length - 1] : this.list[0];
  }

  /** The version a claim keeps. */
  version(version: number): ClaimPolicy {
    const policy = this.list.find((candidate) => candidate.version === version);
    if (!policy) throw new Error(`Unknown claim policy version ${version}`);
    return policy;
  }
}
