// `npm run bench`: every layer's benchmark figure, one after the other. Not a test: it
// prints numbers (and whether the message layer meets its targets) and exits 0.
// Run with --expose-gc (the npm script does) for the transaction layer's memory figures.

import { runAnalyzeBench } from './analyze-bench.js';
import { runDiagnosticsBench } from './diagnostics-bench.js';
import { runLoadBench } from './load-bench.js';
import { runMessageBench } from './message-bench.js';
import { buildCli } from './processes.js';
import { runStartupBench } from './startup-bench.js';
import { runTransactionBench } from './transaction-bench.js';

const log = (line: string) => console.log(line);
const budget = Number(process.env.BENCH_BUDGET_MS ?? 400);

const message = runMessageBench(log, budget);
const invite = message.us['INVITE+SDP']!;
const vsSip = invite.sip! / invite.callscope!;
const vsJsSip = invite.jssip! / invite.callscope!;
log('');
log(`INVITE targets: ≥3× faster than sip: ${vsSip.toFixed(1)}× ${vsSip >= 3 ? 'met' : 'NOT met'}; ≥30× faster than JsSIP: ${vsJsSip.toFixed(1)}× ${vsJsSip >= 30 ? 'met' : 'NOT met'}`);

await runTransactionBench(log);

log('');
await runDiagnosticsBench(log);

// The figures of whole programs run the built CLI: compile the current sources first.
const built = buildCli();
if (built) {
  log('');
  log(`CLI figures skipped: ${built}`);
} else {
  await runStartupBench(log);
  await runAnalyzeBench(log);
  await runLoadBench(log);
}
