import { useCallback } from 'react';
import { frameDocument } from './frameDocument';

/**
 * The mail's HTML in a sandboxed frame: no scripts, forms, popups or top navigation
 * (allow-same-origin only, so cid: images load with the session cookie and links can be
 * opened safely from here). A link opens in a new tab without referrer or opener.
 */
export function MessageFrame({ html, allowRemoteImages, title }: { html: string; allowRemoteImages: boolean; title: string }) {
  const onLoad = useCallback((e: React.SyntheticEvent<HTMLIFrameElement>) => {
    const doc = e.currentTarget.contentDocument;
    doc?.addEventListener('click', (click) => {
      const link = (click.target as Element | null)?.closest?.('a[href]');
      if (!link) return;
      click.preventDefault();
      const href = link.getAttribute('href') ?? '';
      if (/^(https?:|mailto:)/i.test(href)) window.open(href, '_blank', 'noopener,noreferrer');
    });
  }, []);
  return (
    <iframe
      title={title}
      data-testid="message-frame"
      sandbox="allow-same-origin"
      referrerPolicy="no-referrer"
      srcDoc={frameDocument(html, { allowRemoteImages })}
      onLoad={onLoad}
      style={{ border: 0, width: '100%', flex: 1, minHeight: 240, background: '#fff', borderRadius: 4 }}
    />
  );
}
