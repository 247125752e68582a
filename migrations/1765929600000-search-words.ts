import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Han, kana (hiragana, katakana, half-width) and Hangul syllables: scripts written without spaces between words. */
const UNSPACED = '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af]';
/** Quotation marks that are letters to PostgreSQL's parser under the C locale ("“Size" was one word with its mark). */
const QUOTES = '[\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f\uff62\uff63]';

/**
 * Text as Parley's search reads it (`parley_search_text`): every character
 * of a script written without spaces stands alone, so a Japanese word is
 * found as the phrase of its characters (the search side does the same), and
 * typographic quotation marks part words instead of sticking to them. Items
 * written before get their search vectors again where this changes them.
 */
export class SearchWords1765929600000 implements MigrationInterface {
  name = 'SearchWords1765929600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION parley_search_text(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN regexp_replace(regexp_replace($1, '${QUOTES}', ' ', 'g'), '(${UNSPACED})', ' \\1 ', 'g')`);
    await db.query(`
      UPDATE inbox_items
         SET search = setweight(to_tsvector('parley_search', parley_search_text(subject)), 'A')
                   || setweight(to_tsvector('parley_search', parley_search_text(sender_name)), 'B')
                   || setweight(to_tsvector('parley_search', parley_search_text(left(body, 20000))), 'C')
       WHERE subject ~ '${UNSPACED}|${QUOTES}' OR sender_name ~ '${UNSPACED}|${QUOTES}' OR left(body, 20000) ~ '${UNSPACED}|${QUOTES}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION parley_search_text(text)`);
  }
}
