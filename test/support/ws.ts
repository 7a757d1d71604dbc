import WebSocket from 'ws';

/** A WebSocket client for the live event stream that collects events and waits for one matching a predicate. */
export type Event = { type: string; id?: number; lastEventId?: number; agentId?: string | null; offer?: { id: string; contactId: string; agentId: string; expiresAt?: string }; contactId?: string; user?: { id: string; role: string } };

export interface Client {
  ws: WebSocket;
  events: Event[];
  next(pred: (e: Event) => boolean, what: string, timeoutMs?: number): Promise<Event>;
  closed: Promise<{ code: number; reason: string }>;
}

export function connect(url: string, opts: WebSocket.ClientOptions = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    const events: Event[] = [];
    const waiters: { pred: (e: Event) => boolean; done: (e: Event) => void }[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const e = JSON.parse(data.toString()) as Event;
      events.push(e);
      for (const w of [...waiters]) if (w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.done(e); }
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    const next = (pred: (e: Event) => boolean, what: string, timeoutMs = 5000) => new Promise<Event>((res, rej) => {
      const seen = events.find(pred);
      if (seen) { res(seen); return; }
      const timer = setTimeout(() => rej(new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.map((x) => x.type))}`)), timeoutMs);
      waiters.push({ pred, done: (e) => { clearTimeout(timer); res(e); } });
    });
    ws.on('open', () => resolve({ ws, events, next, closed }));
  });
}

