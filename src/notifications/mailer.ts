import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
}

/**
 * Sends email with nodemailer: a pooled SMTP transport when SMTP_URL is set,
 * otherwise `.eml` files under `DATA_DIR/mail/` (the embedded default).
 */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    private readonly from: string,
    private readonly smtpUrl: string | undefined,
    private readonly mailDir: string,
  ) {
    this.transport = smtpUrl
      ? nodemailer.createTransport(
          `${smtpUrl}${smtpUrl.includes('?') ? '&' : '?'}pool=true&maxConnections=5&maxMessages=1000`,
        )
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  get writesFiles(): boolean {
    return !this.smtpUrl;
  }

  async send(email: OutgoingEmail): Promise<void> {
    const message: Mail.Options = {
      from: this.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      headers: email.headers,
    };
    const info = await this.transport.sendMail(message);
    if (this.writesFiles) {
      await mkdir(this.mailDir, { recursive: true });
      const name = email.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_');
      await writeFile(resolve(this.mailDir, `${name}.eml`), (info as unknown as { message: Buffer }).message);
    }
  }

  close(): void {
    this.transport.close();
  }
}
