import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../../config/app-config.js';

/** Where attachment bytes live: keys are Parley's own (uuids), never a user's file name. */
export abstract class AttachmentStore {
  abstract readonly kind: 'disk' | 's3';
  /** Takes a spooled file (`size` bytes at `path`) under `key`; the file at `path` may be gone afterwards. */
  abstract putFile(key: string, path: string, size: number, contentType: string): Promise<void>;
  abstract get(key: string): Promise<Buffer>;
  abstract delete(key: string): Promise<void>;
  /** Keys stored before `before` (for removing what no message ended up owning). */
  abstract listBefore(before: Date): Promise<string[]>;
}

const KEY = /^[0-9a-f-]{36}$/;

/** The local disk under DATA_DIR/attachments (the default). */
export class DiskAttachmentStore extends AttachmentStore {
  readonly kind = 'disk';
  constructor(readonly directory: string) {
    super();
  }

  async putFile(key: string, path: string): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const temporary = this.path(`${key}.partial`);
    // The spool is under DATA_DIR too, so this is a rename; across file systems, a copy.
    await rename(path, temporary).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      await copyFile(path, temporary);
    });
    await rename(temporary, this.path(key));
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async listBefore(before: Date): Promise<string[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const old: string[] = [];
    for (const name of names) {
      const info = await stat(this.path(name)).catch(() => null);
      if (info && info.mtime < before) old.push(name);
    }
    return old;
  }

  private path(key: string): string {
    if (!KEY.test(key.replace(/\.partial$/, ''))) throw new Error(`Not an attachment key: ${key}`);
    return join(this.directory, key);
  }
}

type S3 = typeof import('@aws-sdk/client-s3');

/** Any S3-compatible store (AWS S3, MinIO, R2, …). The SDK is loaded when first used, so a disk-only service never loads it. */
export class S3AttachmentStore extends AttachmentStore {
  readonly kind = 's3';
  private sdk: Promise<{ s3: S3; client: S3Client }> | null = null;

  constructor(
    private readonly clientConfig: S3ClientConfig,
    readonly bucket: string,
  ) {
    super();
  }

  async putFile(key: string, path: string, size: number, contentType: string): Promise<void> {
    const { s3, client } = await this.connect();
    await client.send(
      new s3.PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const { s3, client } = await this.connect();
    const object = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async delete(key: string): Promise<void> {
    const { s3, client } = await this.connect();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async listBefore(before: Date): Promise<string[]> {
    const { s3, client } = await this.connect();
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new s3.ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? [])
        if (object.Key && object.LastModified && object.LastModified < before) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private connect(): Promise<{ s3: S3; client: S3Client }> {
    this.sdk ??= import('@aws-sdk/client-s3').then((s3) => ({ s3, client: new s3.S3Client(this.clientConfig) }));
    return this.sdk;
  }
}

/** The store the configuration asks for: S3 when a bucket is set, the local disk otherwise. */
export function attachmentStoreFor(config: AppConfig): AttachmentStore {
  const env = config.env;
  if (!env.ATTACHMENTS_S3_BUCKET) return new DiskAttachmentStore(resolve(env.DATA_DIR, 'attachments'));
  const clientConfig: S3ClientConfig = {
    region: env.ATTACHMENTS_S3_REGION,
    ...(env.ATTACHMENTS_S3_ENDPOINT ? { endpoint: env.ATTACHMENTS_S3_ENDPOINT } : {}),
    forcePathStyle: env.ATTACHMENTS_S3_FORCE_PATH_STYLE,
    // Files are streamed from the spool: without this the SDK sends them aws-chunked with a trailing checksum,
    // which many S3-compatible servers store as it is (framing and all).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(env.ATTACHMENTS_S3_ACCESS_KEY_ID && env.ATTACHMENTS_S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.ATTACHMENTS_S3_ACCESS_KEY_ID,
            secretAccessKey: env.ATTACHMENTS_S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  };
  return new S3AttachmentStore(clientConfig, env.ATTACHMENTS_S3_BUCKET);
}
