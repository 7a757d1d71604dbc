/**
 * The live event stream (WebSocket /api/v1/events): one socket per signed-in tab that
 * reconnects by itself with ?since=<last event id>, so nothing published while it was
 * away is missed. Events are delivered once, in id order (a replayed id is dropped).
 */
export interface LiveEvent {
  type: string;
  id?: number;
  [key: string]: unknown;
}

export type StreamStatus = 'connecting' | 'online' | 'offline' | 'signed-out';

const LAST_ID_KEY = 'switchyard.events.lastId';
const BACKOFF_MS = [250, 1000, 2000, 4000, 8000];

export class EventStream {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private lastId: number | null;
  private statusValue: StreamStatus = 'connecting';
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private readonly statusListeners = new Set<(s: StreamStatus) => void>();
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly storage: Storage = sessionStorage) {
    const saved = Number(storage.getItem(LAST_ID_KEY));
    this.lastId = Number.isFinite(saved) && saved > 0 ? saved : null;
  }

  get status(): StreamStatus { return this.statusValue; }

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.retryNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.retryNow);
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
  }

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  onStatus(listener: (s: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => { this.statusListeners.delete(listener); };
  }

  /** Called after a reconnect (not the first connect): a place to refetch server state. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => { this.reconnectListeners.delete(listener); };
  }

  private readonly retryNow = () => {
    if (this.stopped || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  };

  private setStatus(s: StreamStatus): void {
    if (s === this.statusValue) return;
    this.statusValue = s;
    for (const l of this.statusListeners) l(s);
  }

  private connect(): void {
    this.timer = null;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const since = this.lastId !== null ? `?since=${this.lastId}` : '';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/events${since}`);
    this.socket = socket;
    const reconnected = this.attempts > 0 || this.statusValue === 'offline';
    socket.onopen = () => {
      this.attempts = 0;
      this.setStatus('online');
      if (reconnected) for (const l of this.reconnectListeners) l();
    };
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (close.code === 4401) { this.setStatus('signed-out'); return; }
      this.setStatus('offline');
      const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] ?? 8000;
      this.attempts += 1;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  private receive(data: string): void {
    let event: LiveEvent;
    try { event = JSON.parse(data) as LiveEvent; } catch { return; }
    if (!event || typeof event.type !== 'string') return;
    if (typeof event.id === 'number') {
      if (this.lastId !== null && event.id <= this.lastId) return;
      this.lastId = event.id;
      this.storage.setItem(LAST_ID_KEY, String(event.id));
    }
    for (const l of this.listeners) l(event);
  }
}
