/**
 * The page at / while the agent desktop has not been built (no dist/web/index.html):
 * what this server is, how to build the desktop, and where the API lives. Self-contained.
 */
export function bundleMissingPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  code { background: #f2f2f2; padding: 0 .25rem; border-radius: 3px; }
  .muted { color: #666; }
</style>
</head>
<body>
<h1>Switchyard</h1>
<p class="muted">Open-source email routing for contact centres.</p>
<p><strong>The agent desktop has not been built.</strong> Build it with <code>npm run build</code>
(or start the server with <code>npm start</code>, which builds it), then reload this page.</p>
<ul>
  <li><a href="/api/docs">API documentation</a> (OpenAPI: <a href="/api/docs/json">/api/docs/json</a>)</li>
  <li>Sign in: <code>POST /api/v1/session</code> with <code>{"username", "password"}</code></li>
  <li>Live agent events: WebSocket <code>/api/v1/events</code></li>
  <li>Health: <a href="/healthz">/healthz</a>, metrics: <a href="/metrics">/metrics</a></li>
</ul>
</body>
</html>
`;
}
