import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process (no global default registry: nothing happens on import). */
export interface Metrics {
  registry: Registry;
  messagesFetched: Counter<'account'>;
  messagesStored: Counter<'account' | 'source'>;
  contactsCreated: Counter<'entrance'>;
  quarantined: Counter<'reason'>;
  offersCreated: Counter;
  offerLatency: Histogram;
  outboxSent: Counter<'kind' | 'result'>;
  queueSize: Gauge<'queue' | 'status'>;
  outboxBacklog: Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_process_' });
  return {
    registry,
    messagesFetched: new Counter({ name: 'switchyard_messages_fetched_total', help: 'Messages fetched from mailboxes', labelNames: ['account'], registers: [registry] }),
    messagesStored: new Counter({ name: 'switchyard_messages_stored_total', help: 'New messages stored (first time seen)', labelNames: ['account', 'source'], registers: [registry] }),
    contactsCreated: new Counter({ name: 'switchyard_contacts_created_total', help: 'Contacts created', labelNames: ['entrance'], registers: [registry] }),
    quarantined: new Counter({ name: 'switchyard_quarantined_total', help: 'Messages quarantined', labelNames: ['reason'], registers: [registry] }),
    offersCreated: new Counter({ name: 'switchyard_offers_created_total', help: 'Offers made to agents', registers: [registry] }),
    offerLatency: new Histogram({
      name: 'switchyard_offer_latency_seconds', help: 'From message stored to first offer',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800], registers: [registry],
    }),
    outboxSent: new Counter({ name: 'switchyard_outbox_sent_total', help: 'Outbox deliveries', labelNames: ['kind', 'result'], registers: [registry] }),
    queueSize: new Gauge({ name: 'switchyard_queue_contacts', help: 'Contacts per queue and status', labelNames: ['queue', 'status'], registers: [registry] }),
    outboxBacklog: new Gauge({ name: 'switchyard_outbox_backlog', help: 'Outbox messages not yet sent', registers: [registry] }),
  };
}
