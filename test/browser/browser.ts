import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

export { CHROMIUM, CHROMIUM_ARGS, ensureChromium, launchChromium } from '../../bench/chromium.js';
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-output/screenshots');

export async function newDeskContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

const axeSource = (() => {
  const require = createRequire(import.meta.url);
  let src: string | null = null;
  return () => (src ??= require('node:fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') as string);
})();

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: string[] }

/**
 * axe-core's serious and critical violations on the page as it is now. Injected through the
 * DevTools protocol (page.evaluate), which the app's CSP does not govern; the app keeps its CSP.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource());
  const result = await page.evaluate("axe.run(document, { resultTypes: ['violations'] })") as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)}`) }));
}

/**
 * A page-level guard for hostile mail: records any script that runs in a frame other than
 * the app's own (DevTools Debugger.scriptParsed in page-world contexts of child frames),
 * any dialog, any uncaught page error, and every request to a host other than Switchyard.
 */
export interface Guard {
  scripts: string[];
  dialogs: string[];
  pageErrors: string[];
  foreignRequests: string[];
  reset(): void;
}

export async function guardPage(page: Page, origin: string): Promise<Guard> {
  const g: Guard = {
    scripts: [], dialogs: [], pageErrors: [], foreignRequests: [],
    reset() { g.scripts.length = 0; g.dialogs.length = 0; g.pageErrors.length = 0; g.foreignRequests.length = 0; },
  };
  page.on('dialog', (d) => { g.dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss().catch(() => undefined); });
  page.on('pageerror', (e) => g.pageErrors.push(e.message));
  page.on('request', (r) => {
    const url = r.url();
    if (/^(data|blob|about):/i.test(url)) return;
    if (new URL(url).origin !== origin) g.foreignRequests.push(url);
  });
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const mainFrameId = (await cdp.send('Page.getFrameTree')).frameTree.frame.id;
  /** Page-world (default) execution contexts of child frames: nothing may ever run there. */
  const frameContexts = new Map<number, string>();
  cdp.on('Runtime.executionContextCreated', ({ context }) => {
    const aux = context.auxData as { isDefault?: boolean; frameId?: string } | undefined;
    if (aux?.isDefault && aux.frameId && aux.frameId !== mainFrameId) frameContexts.set(context.id, context.origin);
  });
  cdp.on('Debugger.scriptParsed', (s) => {
    if (frameContexts.has(s.executionContextId)) g.scripts.push(`${s.url || '(inline)'} in ${frameContexts.get(s.executionContextId)}`);
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Debugger.enable');
  return g;
}
