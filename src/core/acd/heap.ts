/** A binary min-heap on `at` (then insertion order), for timers with lazy invalidation. */
export interface TimerEntry { at: number; kind: 'offer' | 'contact' | 'agent' | 'relax' | 'remind'; id: string; seq: number }

export class TimerHeap {
  private items: TimerEntry[] = [];
  private seq = 0;

  get size(): number { return this.items.length; }

  push(at: number, kind: TimerEntry['kind'], id: string): void {
    const e = { at, kind, id, seq: this.seq++ };
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p], a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  peek(): TimerEntry | undefined { return this.items[0]; }

  pop(): TimerEntry | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

const less = (x: TimerEntry, y: TimerEntry) => x.at < y.at || (x.at === y.at && x.seq < y.seq);
