import { SMTPServer } from 'smtp-server';

/**
 * The benches' SMTP sink, in a process of its own (bench/ingest-kit.ts starts it): it stands for
 * the relay, which in production is another program (Postfix), so its CPU must not be counted on
 * Switchyard's main thread. Prints its port on stdout; answers "count" on stdin with the messages taken.
 */
let n = 0;
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, _session, cb) { stream.on('data', () => undefined); stream.on('end', () => { n++; cb(); }); },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.server.address() as { port: number }).port}\n`);
});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => { if (d.includes('count')) process.stdout.write(`${n}\n`); });
process.stdin.on('end', () => server.close(() => process.exit(0)));
