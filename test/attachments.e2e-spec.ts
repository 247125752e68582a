import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { AttachmentsService } from '../src/attachments/attachments.service.js';
import { startTestApp, TestApp } from './support/app.js';
import { fileClaim, orderWithCase } from './support/claims.js';
import { createUser, TestUser } from './support/factories.js';

// Real file headers: what the type is judged by.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const TEXT = Buffer.from('just text, called a picture');

/** Files on messages, on the local disk and on an S3-compatible server; who may fetch them; uploads that fail leave nothing. */
describe('attachments', () => {
  describe('on the local disk', () => {
    let t: TestApp;
    let dataDir: string;
    let admin: TestUser;
    let agent: TestUser;
    let buyer: TestUser;
    let seller: TestUser;
    let caseId: string;
    const as = (user: TestUser) => `Bearer ${t.tokenFor(user)}`;
    const stored = () => readdirSync(join(dataDir, 'attachments')).length;
    const rows = async () => Number((await t.sql.query(`SELECT count(*)::int AS n FROM attachments`)).rows[0].n);
    const upload = (user: TestUser, path: string) => t.http.post(path).set('Authorization', as(user));

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'parley-attachments-'));
      t = await startTestApp({ env: { DATA_DIR: dataDir, POST_RATE_LIMIT_PER_MINUTE: '1000' } });
      admin = await createUser(t.sql, 'admin');
      agent = await createUser(t.sql, 'agent');
      buyer = await createUser(t.sql, 'buyer');
      seller = await createUser(t.sql, 'seller');
      ({ caseId } = await orderWithCase(t, admin, buyer, seller));
      await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', 'Warm-up')
        .attach('attachments', PNG, 'warm-up.png')
        .expect(201);
    });
    afterAll(async () => {
      await t.close();
    });

    it('a message with a photo and a receipt: typed from the bytes, stored, listed, and fetched as a download by who may see the message', async () => {
      const before = stored();
      const response = await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', 'Photos of the damage and my receipt.')
        .attach('attachments', PNG, { filename: 'crack.png', contentType: 'application/octet-stream' })
        .attach('attachments', PDF, { filename: 'réçu 03/2026.pdf', contentType: 'image/png' })
        .expect(201);
      expect(response.body).toMatchObject({ body: 'Photos of the damage and my receipt.', authorId: buyer.id });
      expect(response.body.attachments).toEqual([
        { id: expect.any(String), name: 'crack.png', contentType: 'image/png', size: PNG.length },
        { id: expect.any(String), name: '2026.pdf', contentType: 'application/pdf', size: PDF.length },
      ]);
      expect(stored()).toBe(before + 2);
      const [png, pdf] = response.body.attachments as { id: string }[];

      const listed = (await t.http.get(`/cases/${caseId}/messages`).set('Authorization', as(seller)).expect(200)).body;
      expect(listed.find((m: { id: string }) => m.id === response.body.id).attachments).toHaveLength(2);

      for (const [user, status] of [
        [buyer, 200],
        [seller, 200],
        [agent, 200],
        [admin, 200],
        [await createUser(t.sql, 'buyer'), 404],
        [await createUser(t.sql, 'seller'), 404],
      ] as const) {
        const file = await t.http.get(`/attachments/${png.id}`).set('Authorization', as(user)).buffer(true);
        expect({ role: user.role, status: file.status }).toEqual({ role: user.role, status });
        if (status === 200) {
          expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
          expect(file.headers['content-type']).toBe('image/png');
          expect(file.headers['content-disposition']).toBe(
            `attachment; filename="crack.png"; filename*=UTF-8''crack.png`,
          );
          expect(file.headers['x-content-type-options']).toBe('nosniff');
        }
      }
      // The seller's Message Center item of the message lists the files too.
      const items = (await t.http.get('/inbox').query({ caseId }).set('Authorization', as(seller)).expect(200)).body
        .items;
      const item = items.find((i: { snippet: string }) => i.snippet.startsWith('Photos of the damage'));
      const detail = (await t.http.get(`/inbox/${item.id}`).set('Authorization', as(seller)).expect(200)).body;
      expect(detail.attachments.map((a: { id: string }) => a.id)).toEqual([png.id, pdf.id]);
      const receipt = await t.http
        .get(`/attachments/${pdf.id}`)
        .set('Authorization', as(seller))
        .buffer(true)
        .expect(200);
      expect(receipt.headers['content-type']).toBe('application/pdf');
      await t.http.get(`/attachments/${pdf.id}`).expect(401);
      await t.http.get('/attachments/not-a-uuid').set('Authorization', as(buyer)).expect(404);
    });

    it('an internal note’s file is support’s; a claim message’s file is the claim’s parties’ and support’s', async () => {
      const note = await upload(agent, `/cases/${caseId}/messages`)
        .field('body', 'Courier report')
        .field('internal', 'true')
        .attach('attachments', PDF, 'courier.pdf')
        .expect(201);
      const [file] = note.body.attachments as { id: string }[];
      await t.http.get(`/attachments/${file.id}`).set('Authorization', as(buyer)).expect(404);
      await t.http.get(`/attachments/${file.id}`).set('Authorization', as(seller)).expect(404);
      await t.http.get(`/attachments/${file.id}`).set('Authorization', as(admin)).expect(200);

      const { orderId } = await orderWithCase(t, admin, buyer, seller);
      t.clock.advance(5 * 86_400_000);
      const claim = await fileClaim(t, buyer, orderId);
      const message = await upload(buyer, `/claims/${claim.id}/messages`)
        .field('body', 'The broken item')
        .attach('attachments', PNG, 'item.png')
        .expect(201);
      const [photo] = message.body.attachments as { id: string }[];
      for (const user of [buyer, seller, agent])
        await t.http.get(`/attachments/${photo.id}`).set('Authorization', as(user)).expect(200);
      await t.http
        .get(`/attachments/${photo.id}`)
        .set('Authorization', as(await createUser(t.sql, 'seller')))
        .expect(404);
      const listed = (await t.http.get(`/claims/${claim.id}/messages`).set('Authorization', as(seller)).expect(200))
        .body;
      expect(listed.find((m: { id: string }) => m.id === message.body.id).attachments).toEqual([
        expect.objectContaining({ name: 'item.png', contentType: 'image/png' }),
      ]);
    });

    it('wrong type, too large, too many, an unknown field, or multipart where it is not taken: refused, and nothing is stored', async () => {
      const files = stored();
      const count = await rows();
      const messages = Number(
        (await t.sql.query(`SELECT count(*)::int AS n FROM messages WHERE case_id = $1`, [caseId])).rows[0].n,
      );
      const wrong = await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', 'x')
        .attach('attachments', TEXT, { filename: 'photo.png', contentType: 'image/png' })
        .expect(400);
      expect(wrong.body.errors).toEqual([{ field: 'attachments', message: 'photo.png is not an image or a PDF' }]);
      const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
      await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', 'x')
        .attach('attachments', big, 'big.png')
        .expect(413);
      const six = upload(buyer, `/cases/${caseId}/messages`).field('body', 'x');
      for (let i = 0; i < 6; i++) six.attach('attachments', PNG, `p${i}.png`);
      await six.expect(413);
      const field = await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', 'x')
        .attach('file', PNG, 'p.png')
        .expect(400);
      expect(field.body.errors[0].field).toBe('file');
      const blank = await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', '   ')
        .attach('attachments', PNG, 'p.png')
        .expect(400);
      expect(blank.body.errors[0].field).toBe('body');
      await upload(buyer, '/cases').field('body', 'x').attach('attachments', PNG, 'p.png').expect(415);
      await upload(buyer, `/cases/${caseId}/messages`)
        .field('body', 'x')
        .field('internal', 'true')
        .attach('attachments', PNG, 'p.png')
        .expect(403);
      expect(stored()).toBe(files);
      expect(await rows()).toBe(count);
      expect(
        Number((await t.sql.query(`SELECT count(*)::int AS n FROM messages WHERE case_id = $1`, [caseId])).rows[0].n),
      ).toBe(messages);
    });

    it('an upload that breaks midway leaves no file and no row; a message refused after its files were stored takes them away again', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as { port: number };
      const files = stored();
      const count = await rows();
      const boundary = 'parley-boundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nCut off\r\n--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="half.png"\r\nContent-Type: image/png\r\n\r\n`;
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `POST /cases/${caseId}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${as(buyer)}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 500000\r\n\r\n${head}`,
          );
          socket.write(PNG);
          setTimeout(() => socket.destroy(), 200);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stored()).toBe(files);
      expect(await rows()).toBe(count);

      // A closed case takes no messages: the files were stored before the transaction said so, and are gone again.
      const { caseId: other } = await orderWithCase(t, admin, buyer, seller);
      await t.http.post(`/cases/${other}/resolve`).set('Authorization', as(buyer)).expect(200);
      await t.sql.query(`UPDATE cases SET status = 'closed' WHERE id = $1`, [other]);
      await upload(buyer, `/cases/${other}/messages`)
        .field('body', 'Too late')
        .attach('attachments', PNG, 'late.png')
        .expect(409);
      expect(stored()).toBe(files);
      expect(await rows()).toBe(count);
    });

    it('the garbage collection removes stored files no message owns after an hour, and keeps the rest', async () => {
      const orphan = join(dataDir, 'attachments', '00000000-0000-4000-8000-00000000dead');
      writeFileSync(orphan, PNG);
      const partial = join(dataDir, 'attachments', '00000000-0000-4000-8000-00000000beef.partial');
      writeFileSync(partial, PNG);
      const old = new Date(Date.now() - 2 * 3_600_000);
      utimesSync(orphan, old, old);
      utimesSync(partial, old, old);
      const owned = stored() - 2;
      const result = await t.http.post('/admin/jobs/attachments-gc/run').set('Authorization', as(admin)).expect(200);
      expect(result.body.removed).toBe(2);
      expect(stored()).toBe(owned);
      expect(await rows()).toBe(owned);
    });
  });

  describe('on an S3-compatible server', () => {
    let server: S3rver;
    let client: S3Client;
    let t: TestApp;

    beforeAll(async () => {
      server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: mkdtempSync(join(tmpdir(), 'parley-s3-')),
      });
      const { port } = await server.run();
      const endpoint = `http://127.0.0.1:${port}`;
      client = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      await client.send(new CreateBucketCommand({ Bucket: 'parley-attachments' }));
      t = await startTestApp({
        env: {
          ATTACHMENTS_S3_BUCKET: 'parley-attachments',
          ATTACHMENTS_S3_ENDPOINT: endpoint,
          ATTACHMENTS_S3_FORCE_PATH_STYLE: 'true',
          ATTACHMENTS_S3_ACCESS_KEY_ID: 'S3RVER',
          ATTACHMENTS_S3_SECRET_ACCESS_KEY: 'S3RVER',
        },
      });
    });
    afterAll(async () => {
      await t.close();
      client.destroy();
      await server.close();
    });

    it('stores in the bucket under Parley’s own key and serves it back; a refused upload puts nothing there', async () => {
      const admin = await createUser(t.sql, 'admin');
      const buyer = await createUser(t.sql, 'buyer');
      const seller = await createUser(t.sql, 'seller');
      const { caseId } = await orderWithCase(t, admin, buyer, seller);
      const posted = await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
        .field('body', 'Receipt attached')
        .attach('attachments', PDF, 'receipt.pdf')
        .expect(201);
      const [file] = posted.body.attachments as { id: string }[];
      expect(t.app.get(AttachmentsService).store.kind).toBe('s3');
      const [{ storage_key: key }] = (await t.sql.query(`SELECT storage_key FROM attachments WHERE id = $1`, [file.id]))
        .rows;
      const object = await client.send(new GetObjectCommand({ Bucket: 'parley-attachments', Key: key }));
      expect(Buffer.compare(Buffer.from(await object.Body!.transformToByteArray()), PDF)).toBe(0);
      const fetched = await t.http
        .get(`/attachments/${file.id}`)
        .set('Authorization', `Bearer ${t.tokenFor(seller)}`)
        .buffer(true)
        .expect(200);
      expect(Buffer.compare(fetched.body as Buffer, PDF)).toBe(0);

      await t.http
        .post(`/cases/${caseId}/messages`)
        .set('Authorization', `Bearer ${t.tokenFor(buyer)}`)
        .field('body', 'x')
        .attach('attachments', TEXT, 'fake.pdf')
        .expect(400);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'parley-attachments' }));
      expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([key]);
    });
  });
});
