import { parentPort, workerData } from 'node:worker_threads';

/**
 * The acd-api bench's load: agents accepting and closing as fast as they can, each on its own,
 * all at once, in a worker thread so that the HTTP clients do not share the server's event loop.
 */
export interface LoadJob { base: string; agents: { id: string; token: string }[]; durationMs: number }
export interface LoadResult { decisions: number; ms: number; retried: number }

type Offer = { id: string; contactId: string; agentId?: string };

async function run(job: LoadJob): Promise<LoadResult> {
  let retried = 0;
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<Record<string, any>> => {
    for (;;) {
      const r = await fetch(job.base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const json = await r.json() as Record<string, any>;
      if (r.status === 503) { retried++; continue; } // acd.unavailable: nothing was done, retry
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    }
  };
  const offerOf = (effects: { type: string; offer?: Offer }[], agentId: string) => effects.find((e) => e.type === 'offer.created' && e.offer?.agentId === agentId)?.offer;
  let decisions = 0;
  const t0 = performance.now();
  const deadline = t0 + job.durationMs;
  await Promise.all(job.agents.map(async ({ id, token }) => {
    const me = await call('PUT', '/api/v1/agents/me/state', token, { state: 'ready' });
    let o: Offer | undefined = me.offers[0];
    while (o && performance.now() < deadline) {
      await call('POST', `/api/v1/offers/${o.id}/accept`, token);
      const closed = await call('POST', `/api/v1/contacts/${o.contactId}/close`, token, {});
      decisions += 2;
      o = offerOf(closed.effects, id);
    }
  }));
  return { decisions, ms: performance.now() - t0, retried };
}

if (parentPort) run(workerData as LoadJob).then((r) => parentPort!.postMessage(r), (err: unknown) => { throw err; });
