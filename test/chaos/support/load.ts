import nodemailer from 'nodemailer';

/**
 * The load of the chaos run: customers sending mail through Postfix (retrying like an MTA
 * would while the relay refuses or is down), and agents working through the REST API of
 * whichever web process answers.
 */
export type Json = Record<string, any>;

/** A JSON client over several web processes: a request that cannot connect tries the next one. */
export function apiClient(bases: () => string[]) {
  let turn = 0;
  /** `once`: a request that is not safe to repeat (sending an answer) is tried on one web process only. */
  const request = async (method: string, path: string, token: string | null, body?: unknown, once = false): Promise<{ status: number; json: Json }> => {
    let last: unknown;
    const list = bases();
    for (let i = 0; i < (once ? 1 : list.length * 3); i++) {
      const base = list[turn++ % list.length];
      try {
        const r = await fetch(base + path, {
          method,
          headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await r.text();
        // a web process whose database is restarting answers 5xx: try another one, as a load balancer would
        if (r.status >= 500 && !once) { last = new Error(`${method} ${path} → ${r.status} ${text.slice(0, 300)}`); await pause(200); continue; }
        return { status: r.status, json: (text ? JSON.parse(text) : {}) as Json };
      } catch (err) { last = err; await pause(100); }
    }
    throw last instanceof Error ? last : new Error(String(last));
  };
  const call = async (method: string, path: string, token: string | null, body?: unknown): Promise<Json> => {
    const r = await request(method, path, token, body);
    if (r.status >= 300) throw Object.assign(new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.json)}`), { status: r.status, json: r.json });
    return r.json;
  };
  return { request, call };
}
export type Api = ReturnType<typeof apiClient>;

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SentMail { messageId: string; from: string; acceptedAt: number }

/**
 * Sends `count` mails at about `perSecond`, `concurrency` at a time. A mail counts as sent once
 * Postfix answered 250; until then it is retried (refused, connection refused, timeouts).
 */
export async function injectMail(opts: {
  host: string; port: number; to: string; count: number; perSecond: number; concurrency: number; run: string;
  customer: (i: number) => string; stopped: () => boolean;
}): Promise<{ sent: SentMail[]; retries: number }> {
  const sent: SentMail[] = [];
  let retries = 0;
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    const transport = nodemailer.createTransport({ host: opts.host, port: opts.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 20_000 });
    try {
      while (next < opts.count && !opts.stopped()) {
        const i = next++;
        const due = t0 + (i / opts.perSecond) * 1000;
        if (due > Date.now()) await pause(due - Date.now());
        const messageId = `<chaos-${opts.run}-${i}@example.org>`;
        const from = opts.customer(i);
        for (;;) {
          try {
            await transport.sendMail({
              envelope: { from, to: [opts.to] }, messageId, from: `"Customer ${i}" <${from}>`, to: opts.to, subject: `Chaos mail ${i}`,
              text: `Hello, this is customer mail number ${i} of the chaos run ${opts.run}. Please help me with my order.`,
            });
            sent.push({ messageId, from, acceptedAt: Date.now() });
            break;
          } catch {
            retries++;
            if (opts.stopped()) return;
            await pause(1000);
          }
        }
      }
    } finally { transport.close(); }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { sent, retries };
}

export interface AgentSpec { username: string; password: string; external: boolean; id?: string }
export interface AgentWork {
  accepted: Map<string, string>;
  closed: Set<string>;
  /** Answers sent through the API (201), and requests whose outcome was not seen (never sent again). */
  answered: Set<string>;
  answerUnsure: Set<string>;
  errors: number;
}

/**
 * Agents: ready, then accept every offer, answer (built-in agents, when `answer`) and close every
 * assigned contact, through whichever web process answers. Runs until `stopped()`.
 */
export async function runAgents(api: Api, agents: AgentSpec[], stopped: () => boolean, answer: boolean, intervalMs = 250): Promise<AgentWork> {
  const work: AgentWork = { accepted: new Map(), closed: new Set(), answered: new Set(), answerUnsure: new Set(), errors: 0 };
  const one = async (a: AgentSpec) => {
    let token: string | null = null;
    while (!stopped()) {
      try {
        if (!token) {
          token = (await api.call('POST', '/api/v1/session', null, { username: a.username, password: a.password })).token as string;
          await api.call('PUT', '/api/v1/agents/me/state', token, { state: 'ready' });
        }
        const me = await api.call('GET', '/api/v1/agents/me', token);
        if (me.state !== 'ready') await api.call('PUT', '/api/v1/agents/me/state', token, { state: 'ready' });
        for (const o of me.offers as Json[]) {
          const r = await api.request('POST', `/api/v1/offers/${encodeURIComponent(o.id)}/accept`, token);
          if (r.status < 300) work.accepted.set(o.contactId, a.username);
        }
        for (const c of me.contacts as Json[]) {
          // built-in agents answer through the API before closing (once: a request whose outcome
          // was not seen is not repeated, as an agent would look first); external-client agents
          // answer from their own mail client, outside Switchyard
          if (answer && !a.external && !work.answered.has(c.id) && !work.answerUnsure.has(c.id)) {
            const opts = await api.call('GET', `/api/v1/contacts/${c.id}/answer-options`, token);
            const body = {
              mode: 'reply', from: opts.fromAddresses[0], to: opts.defaults.reply.to, cc: [], bcc: [], subject: opts.defaults.reply.subject,
              html: `<p>Thank you for your mail. ${a.username} is answering contact ${c.id}.</p>`, quote: 'none', attachmentIds: [],
            };
            work.answerUnsure.add(c.id);
            const r = await api.request('POST', `/api/v1/contacts/${c.id}/answers`, token, body, true);
            work.answerUnsure.delete(c.id);
            if (r.status === 201) work.answered.add(c.id);
            else if (r.status >= 500) work.answerUnsure.add(c.id); // maybe sent: close without answering again
            else continue;
          }
          const r = await api.request('POST', `/api/v1/contacts/${c.id}/close`, token);
          if (r.status < 300) work.closed.add(c.id);
        }
      } catch (err) {
        work.errors++;
        if ((err as { status?: number }).status === 401) token = null;
      }
      await pause(intervalMs);
    }
  };
  await Promise.all(agents.map(one));
  return work;
}
