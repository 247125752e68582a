import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './postgres-server.js';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

/** A real SMTP server for the tests (the npm package smtp-server); what arrives is parsed with mailparser. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** While set, every message is refused with a temporary error. */
  refusing = false;
  /** Delay before accepting each message (to catch a dispatcher mid-batch). */
  delayMs = 0;
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on(
          'end',
          () =>
            void (async () => {
              if (this.refusing) return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
              if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
              const raw = Buffer.concat(chunks).toString('utf8');
              this.received.push({
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                parsed: await simpleParser(raw),
                raw,
              });
              callback();
            })(),
        );
      },
    });
    // A client that dies mid-session (the crash test kills one) resets its connection: expected, not a failure.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  byMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.received) counts.set(mail.parsed.messageId!, (counts.get(mail.parsed.messageId!) ?? 0) + 1);
    return counts;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
