/** Serialises the calls for one external id ($1, `user:<id>`), until the transaction ends: 20 racing PUTs make one person. */
export const LOCK_EXTERNAL_ID = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`;

/** The people with the external ids in $1 (text[]), with their roles. */
export const USERS_BY_EXTERNAL_IDS = `SELECT id, external_id, role FROM users WHERE external_id = ANY ($1::text[])`;

/** Another account (not $2, which may be null) with the email $1 (stored lower-case). */
export const EMAIL_TAKEN = `SELECT id FROM users WHERE email = $1 AND id IS DISTINCT FROM $2::uuid LIMIT 1`;

/** How many cases and orders person $1 is a party to, as buyer or seller. */
export const CASES_AS = `
SELECT (SELECT count(*) FROM cases WHERE buyer_id = $1 OR seller_id = $1)::int AS cases,
       (SELECT count(*) FROM orders WHERE buyer_id = $1 OR seller_id = $1)::int AS orders`;

/** The order with external id $1. */
export const ORDER_BY_EXTERNAL_ID = `SELECT id FROM orders WHERE external_id = $1`;
