import { connect, type Socket } from 'node:net';

/** A raw SMTP client over a socket: write anything, read complete (multi-line) replies. */
export interface Reply { code: number; text: string }

export class RawSmtp {
  private buffer = '';
  private replies: Reply[] = [];
  private waiters: Array<(r: Reply | null) => void> = [];
  private lines: string[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        this.lines.push(line);
        const m = /^(\d{3})([ -])(.*)$/.exec(line);
        if (!m) { this.push({ code: 0, text: `unparseable reply line: ${line.slice(0, 200)}` }); continue; }
        if (m[2] === ' ') this.push({ code: Number(m[1]), text: this.lines.splice(0).join('\n') });
      }
    });
    const end = () => { this.closed = true; for (const w of this.waiters.splice(0)) w(null); };
    socket.on('close', end);
    socket.on('error', end);
  }

  static open(port: number): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawSmtp(s)));
      s.once('error', reject);
    });
  }

  private push(r: Reply): void {
    const w = this.waiters.shift();
    if (w) w(r); else this.replies.push(r);
  }

  /** The next reply; null when the server closed the connection first. */
  reply(timeoutMs = 10_000): Promise<Reply | null> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((r) => { clearTimeout(timer); resolve(r); });
    });
  }

  write(data: string | Buffer): void { if (!this.closed) this.socket.write(data); }

  async command(line: string): Promise<Reply | null> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void { this.socket.destroy(); }
}
