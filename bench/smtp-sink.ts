import { SMTPServer } from 'smtp-server';

/** An SMTP server that accepts and discards everything: the far end of bench:email. */
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback());
  },
});
server.on('error', () => undefined);
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
