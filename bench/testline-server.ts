// The test line for the benchmark, in a process of its own so that its CPU is measured
// apart from the callers': started by bench/testline-bench.ts with fork(), it reports its
// URL and credentials, answers CPU questions, and stops when told.
import { TestLine } from '../src/testline/test-line.js';

const line = await TestLine.start({ host: '127.0.0.1', port: 0, user: 'bench' });
process.send!({ type: 'ready', url: line.url, user: line.credentials.user, password: line.credentials.password });
process.on('message', (message: { type: string }) => {
  if (message.type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage(), calls: line.activeCalls, rss: process.memoryUsage().rss });
  if (message.type === 'stop') void line.close().then(() => process.exit(0));
});
