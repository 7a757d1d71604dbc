import { run } from './cli.js';

// Entry point of `bash scripts/mailstack.sh ARGS` (node --import tsx test/support/mailstack/bin.ts ARGS).
try {
  const { code, out } = run(process.argv.slice(2));
  process.stdout.write(out);
  process.exitCode = code;
} catch (err) {
  const e = err as { stderr?: string; message: string };
  process.stderr.write(`mailstack: error: ${e.stderr || e.message}\n`);
  process.exitCode = 1;
}
