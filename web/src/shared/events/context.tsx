import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { EventStream, type LiveEvent, type StreamStatus } from './stream';

const StreamContext = createContext<EventStream | null>(null);

/** Opens the event stream while mounted (the shell mounts it once signed in). */
export function EventStreamProvider({ children, onReconnect }: { children: ReactNode; onReconnect?: () => void }) {
  const [stream] = useState(() => new EventStream());
  const reconnect = useRef(onReconnect);
  reconnect.current = onReconnect;
  useEffect(() => {
    const off = stream.onReconnect(() => reconnect.current?.());
    stream.start();
    return () => { off(); stream.stop(); };
  }, [stream]);
  return <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>;
}

function useStream(): EventStream {
  const stream = useContext(StreamContext);
  if (!stream) throw new Error('useStream outside EventStreamProvider');
  return stream;
}

/** Calls handler for every live event whose type is listed (or all, with no types). */
export function useLiveEvents(handler: (e: LiveEvent) => void, types?: readonly string[]): void {
  const stream = useStream();
  const latest = useRef(handler);
  latest.current = handler;
  const key = types?.join(',') ?? '';
  useEffect(() => stream.subscribe((e) => {
    if (!key || key.split(',').includes(e.type)) latest.current(e);
  }), [stream, key]);
}

export function useStreamStatus(): StreamStatus {
  const stream = useStream();
  const [status, setStatus] = useState(stream.status);
  useEffect(() => { setStatus(stream.status); return stream.onStatus(setStatus); }, [stream]);
  return status;
}

export type { LiveEvent, StreamStatus };
