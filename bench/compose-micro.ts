/**
 * µs per call of composeSync (the fast path: header block written directly) against
 * composeViaComposer (the MailComposer layout it replaces) for a realistic automatic answer, the
 * ingest bench's (every message gets one): From 'Support <noreply@example.test>', a reply subject,
 * the template text, In-Reply-To, References of 1-3 ids and the headers auto-answer.ts adds.
 * `npx tsx bench/compose-micro.ts [rounds]`. Not part of `npm run bench`: a micro-measurement of one function.
 */
import { answerHeaders } from '../src/core/analysis/auto-answer.js';
import { composeSync, composeViaComposer, type ComposeInput } from '../src/adapters/smtp-out/compose.js';

const REFS = [['<q-1.a1b2@mail.example.org>'], ['<q-0.zz@mail.example.org>', '<q-1.a1b2@mail.example.org>'], ['<root.77@x.example.org>', '<q-0.zz@mail.example.org>', '<q-1.a1b2@mail.example.org>']];

/** The bench template 'Dear {{customerName}}, thank you. Your case is {{caseNumber}}.' filled in: 70-90 characters, so 7bit or (a line over 76) quoted-printable. */
function input(i: number): ComposeInput {
  const messageId = `<sy.case-${i}.${((i * 2654435761) >>> 0).toString(16).padStart(12, '0')}@example.test>`;
  const refs = REFS[i % 3];
  const headers = answerHeaders({ inReplyTo: refs[refs.length - 1], references: refs.slice(0, -1), loopMarker: 'X-Switchyard-Loop', ourMessageId: messageId, loopMarkerValue: 'auto-answer' });
  return {
    from: 'Support <noreply@example.test>', to: `customer${i % 1000}@example.org`, subject: `Re: billing question ${i % 100} (invoice) [#${123 + (i % 900)}]`,
    text: `Dear ${['Alex Smith', 'Maria Fernanda Rodriguez-Lopez', 'Customer Service Team at ACME'][i % 3]}, thank you. Your case is C-2026-${String(i).padStart(6, '0')}.`,
    messageId, date: new Date(Date.UTC(2026, 10, 30, 12, 0, 0) + i * 1000),
    inReplyTo: headers.find((h) => h.name === 'In-Reply-To')?.value ?? null,
    references: (headers.find((h) => h.name === 'References')?.value ?? '').split(' ').filter(Boolean), headers,
  };
}

const N = 20_000;
const inputs = Array.from({ length: N }, (_, i) => input(i));
const rounds = Number(process.argv[2] ?? 7);
const paths = { composeSync, composeViaComposer } as const;
const times: Record<string, number[]> = { composeSync: [], composeViaComposer: [] };
let bytes = 0;
for (let i = 0; i < N; i++) if (!composeSync(inputs[i])!.equals(composeViaComposer(inputs[i])!)) throw new Error(`paths differ for input ${i}`);
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(paths)) { // alternated, so both see the same machine load
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) bytes += fn(inputs[i])!.length;
    times[name].push(Number(process.hrtime.bigint() - t0) / 1000 / N);
  }
}
for (const [name, t] of Object.entries(times)) {
  t.sort((a, b) => a - b);
  console.log(`${name.padEnd(18)} median ${t[rounds >> 1].toFixed(2)} µs/call, best ${t[0].toFixed(2)}, worst ${t[rounds - 1].toFixed(2)}`);
}
console.log(`(${rounds} rounds × ${N} calls each, ${(bytes / (N * rounds * 2)).toFixed(0)} bytes/message, node ${process.version})`);
