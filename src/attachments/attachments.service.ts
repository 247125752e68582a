import { randomUUID } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FusedWrite } from '../common/database/fused-write.js';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { isSupport } from '../access/access.js';
import { AccessService } from '../access/access.service.js';
import type { Caller } from '../auth/auth.decorators.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { AttachmentStore, attachmentStoreFor } from './attachment-store.js';
import type { AttachmentView } from './attachments.dto.js';
import { attachmentsInsertSql, attachmentsOfSql, DOWNLOADABLE, OWNED_KEYS } from './attachments.queries.js';
import { EXTENSION_OF, safeFileName } from './file-names.js';
import type { Upload } from './uploads.js';

/** A file put in the store, waiting for its message's transaction to own it. */
export interface Stashed {
  id: string;
  key: string;
  name: string;
  contentType: string;
  size: number;
}

/** What owns an attachment: a case message or a claim message. */
export type AttachmentOwner = { messageId: string } | { claimMessageId: string };

/** Stored files no row owns after this long were left by a crash between storing and committing; the garbage collection removes them. */
const ORPHAN_AFTER_MS = 3_600_000;

interface AttachmentRow {
  id: string;
  message_id: string | null;
  claim_message_id: string | null;
  name: string;
  content_type: string;
  size: number;
  storage_key: string;
}

const toView = (row: AttachmentRow): AttachmentView => ({
  id: row.id,
  name: row.name,
  contentType: row.content_type,
  size: row.size,
});

/**
 * The owner of `attachments` and of the attachment store (the local disk or
 * S3). Files are stored before the message's transaction and recorded in
 * it; if the transaction fails they are removed again, and files a crash
 * left without a row are collected after an hour. Reading a file asks the
 * access module about its message.
 */
@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger('Attachments');
  readonly store: AttachmentStore;
  /** Where uploads wait between arriving and being stored (uploads.ts). */
  readonly spool: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: AccessService,
    config: AppConfig,
  ) {
    this.store = attachmentStoreFor(config);
    this.spool = resolve(config.env.DATA_DIR, 'uploads');
  }

  /** Stores the uploads, runs `work` with them (which records them in its transaction), and removes them again if `work` fails. */
  async withStored<T>(uploads: Upload[], work: (stashed: Stashed[]) => Promise<T>): Promise<T> {
    const stashed: Stashed[] = [];
    try {
      for (const upload of uploads) {
        const id = randomUUID();
        await this.store.putFile(id, upload.path, upload.size, upload.contentType);
        stashed.push({ id, key: id, name: upload.name, contentType: upload.contentType, size: upload.size });
      }
      return await work(stashed);
    } catch (error) {
      await Promise.all(
        stashed.map((file) =>
          this.store
            .delete(file.key)
            .catch((cause: unknown) =>
              this.logger.warn({ err: cause, key: file.key }, 'An unused attachment could not be removed'),
            ),
        ),
      );
      throw error;
    }
  }

  /** Records stored files as the attachments of a message, in the message's transaction. */
  async attach(
    tx: EntityManager,
    stashed: Stashed[],
    owner: AttachmentOwner,
    uploadedBy: string,
    now: Date,
  ): Promise<AttachmentView[]> {
    const write = new FusedWrite();
    const views = this.attachIn(write, stashed, owner, uploadedBy, now);
    await write.run(tx);
    return views;
  }

  /** The same as part of `write`, for a change that writes the message in the same statement. */
  attachIn(
    write: FusedWrite,
    stashed: Stashed[],
    owner: AttachmentOwner,
    uploadedBy: string,
    now: Date,
  ): AttachmentView[] {
    if (stashed.length === 0) return [];
    const columns = [
      [stashed.map((file) => file.id), 'uuid'],
      [stashed.map(() => ('messageId' in owner ? owner.messageId : null)), 'uuid'],
      [stashed.map(() => ('claimMessageId' in owner ? owner.claimMessageId : null)), 'uuid'],
      [stashed.map((file) => file.name), 'text'],
      [stashed.map((file) => file.contentType), 'text'],
      [stashed.map((file) => file.size), 'int'],
      [stashed.map((file) => file.key), 'text'],
      [stashed.map(() => uploadedBy), 'uuid'],
      [stashed.map(() => now), 'timestamptz'],
      [stashed.map((_, position) => position), 'int'],
    ] as const;
    write.with(write.name('attached'), attachmentsInsertSql(write.rows(columns)));
    return stashed.map((file) => ({ id: file.id, name: file.name, contentType: file.contentType, size: file.size }));
  }

  /** The attachments of messages, by message id (case messages, or claim messages with `claim`). */
  async of(messageIds: string[], claim = false): Promise<Map<string, AttachmentView[]>> {
    const byMessage = new Map<string, AttachmentView[]>();
    if (messageIds.length === 0) return byMessage;
    const rows: AttachmentRow[] = await this.db.query(attachmentsOfSql(claim), [messageIds]);
    for (const row of rows) {
      const key = (claim ? row.claim_message_id : row.message_id)!;
      byMessage.set(key, [...(byMessage.get(key) ?? []), toView(row)]);
    }
    return byMessage;
  }

  /** The file for whoever may see its message; anyone else is told it does not exist. */
  async download(caller: Caller, attachmentId: string): Promise<AttachmentView & { bytes: Buffer }> {
    const [row]: (AttachmentRow & {
      case_id: string | null;
      claim_id: string | null;
      author_id: string;
      internal: boolean;
      quarantined: boolean;
    })[] = isUuid(attachmentId) ? await this.db.query(DOWNLOADABLE, [attachmentId]) : [];
    if (!row) throw DomainError.notFound('Attachment');
    try {
      if (row.case_id) await this.access.requireCase(null, caller, row.case_id, 'case.read');
      else await this.access.requireClaim(null, caller, row.claim_id!, 'claim.read');
    } catch {
      throw DomainError.notFound('Attachment');
    }
    const own = row.author_id === caller.id;
    if (!isSupport(caller) && !own && (row.internal || row.quarantined)) throw DomainError.notFound('Attachment');
    // Names stored before names were made safe are made safe on the way out.
    return {
      ...toView(row),
      name: safeFileName(row.name, EXTENSION_OF[row.content_type]).name,
      bytes: await this.store.get(row.storage_key),
    };
  }

  /** Removes stored files older than an hour that no attachment row owns (a crash between storing and committing); returns how many. */
  async collectGarbage(): Promise<number> {
    // The store keeps real time, whatever Parley's clock says (a simulated one may be anywhere).
    const before = new Date(Date.now() - ORPHAN_AFTER_MS);
    const spooled = await this.collectSpool(before);
    const candidates = await this.store.listBefore(before);
    if (candidates.length === 0) return spooled;
    const keys = candidates.map((key) => key.replace(/\.partial$/, ''));
    const owned: { storage_key: string }[] = await this.db.query(OWNED_KEYS, [keys]);
    const keep = new Set(owned.map((row) => row.storage_key));
    const orphans = candidates.filter((key) => key.endsWith('.partial') || !keep.has(key));
    for (const key of orphans) await this.store.delete(key);
    return spooled + orphans.length;
  }

  /** Spooled uploads a crash left behind (a request's own are removed when it ends). */
  private async collectSpool(before: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.spool).catch(() => [] as string[])) {
      const path = join(this.spool, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtime < before) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
