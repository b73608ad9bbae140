// `callscope call` and `callscope listen` through main(argv, io), against the
// lab: SIPp far ends and callers through Kamailio, and one CLI calling the
// other. The JSON report is checked for what it promises: outcome, status,
// timings, transactions with their state histories, every message — and no
// credentials.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type CliRun } from '../support/cli-run.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'calls-cli' });
const dir = mkdtempSync(join(tmpdir(), 'callscope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Run = CliRun;
const start = startCli;

/** Runs the CLI to its end; a call gives up ringing after 15 s, so a broken test fails with a reason, not a timeout. */
function cli(...argv: string[]): Promise<Run> {
  return start(...(argv[0] === 'call' && argv.length > 2 ? ['call', '--ring-timeout', '15', ...argv.slice(1)] : argv)).result;
}

/** Starts `callscope listen ...`; resolves (with its eventual result) once it says it is listening. */
async function listen(...argv: string[]): Promise<{ result: Promise<Run> }> {
  const run = start('listen', '--timeout', '15', ...argv);
  const deadline = Date.now() + 10_000;
  while (!/listening as /.test(run.output())) {
    if (Date.now() > deadline) throw new Error(`callscope listen did not start: ${run.output()}`);
    const early = await Promise.race([run.result, new Promise((r) => setTimeout(() => r(undefined), 20))]);
    if (early) throw new Error(`callscope listen ended early: ${JSON.stringify(early)}`);
  }
  return { result: run.result };
}

function wss(): string[] {
  return ['--server', lab().proxy.wssUrl, '--ca', lab().proxy.caFile, '--t1', '50'];
}

interface Report {
  outcome: string;
  finalStatus?: number;
  reason: string;
  calls: Array<{
    outcome: string;
    timings: Record<string, number>;
    transactions: Array<{ method: string; role: string; callTag?: string; states: Array<{ from: string; to: string; cause: string }> }>;
    messages: Array<{ direction: string; startLine: string; text: string }>;
  }>;
}

describe('callscope call', () => {
  it('places a call with reliable 183 and early media, hangs up after --duration, and reports it (exit 0)', async () => {
    const farEnd = await lab().startUas('uas-reliable-183');
    const file = join(dir, 'call.json');
    const run = await cli('call', ...wss(), '--duration', '0.3', '--json', file, lab().farEndUri(farEnd.port));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await farEnd.result).explanation).toBe('');
    expect(run.stdout).toMatch(/early media \(reliable 18x\)/);
    expect(run.stdout).toMatch(/answered \(200\)/);
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expect(report.outcome).toBe('answered and ended cleanly');
    expect(report.finalStatus).toBe(200);
    const [call] = report.calls;
    expect(call!.timings.earlyMediaMs).toBeLessThan(call!.timings.answeredMs!);
    expect(call!.timings.endedMs).toBeGreaterThanOrEqual(call!.timings.answeredMs! + 300);
    const invite = call!.transactions.find((t) => t.method === 'INVITE' && t.role === 'client')!;
    expect(invite.states.map((s) => s.to)).toEqual(expect.arrayContaining(['Proceeding', 'Accepted']));
    expect(call!.transactions.map((t) => t.method)).toEqual(expect.arrayContaining(['INVITE', 'PRACK', 'BYE']));
    expect(call!.messages.find((m) => m.startLine.startsWith('PRACK '))!.text).toMatch(/^RAck: 1 1 INVITE\r?$/m);
    expect(call!.messages.some((m) => m.direction === 'sent' && m.startLine.startsWith('ACK '))).toBe(true);
  });

  it('answers the proxy\'s 407 for lab account alice; the report redacts the digest response and never holds the password', async () => {
    const farEnd = await lab().startUas('uas-ringing-answer');
    const alice = lab().account('alice');
    const run = await cli('call', ...wss(), '--user', 'alice', '--password', alice.password, '--duration', '0', '--media', 'none', '--json', '-',
      `farend-${farEnd.port}`);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(alice.password);
    const report = JSON.parse(run.stdout) as Report;
    const invites = report.calls[0]!.messages.filter((m) => m.direction === 'sent' && m.startLine.startsWith('INVITE '));
    expect(invites).toHaveLength(2);
    expect(invites[1]!.text).toMatch(/^Proxy-Authorization: Digest username="alice", .*response="<redacted>"/m);
    expect(run.stdout).not.toMatch(/response="[0-9a-f]{32}"/);
    expect((await farEnd.result).explanation).toBe('');
  });

  it('a busy far end: exit 1 with the reason in one line', async () => {
    const farEnd = await lab().startUas('uas-busy');
    const run = await cli('call', ...wss(), lab().farEndUri(farEnd.port));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('callscope call: 486 Busy Here\n');
  });

  it('usage errors exit 2 and say what is wrong', async () => {
    expect(await cli('call', 'sip:bob@example.com')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--server is required/) });
    expect(await cli('call', ...wss(), '--100rel', 'maybe', 'bob')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--100rel needs off, supported or required/) });
    expect(await cli('listen', ...wss(), '--reject', '200')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--reject needs a 3xx-6xx status/) });
  });
});

describe('callscope listen', () => {
  it('takes a call from a SIPp caller that requires 100rel: reliable 183 with SDP, PRACK, answer (exit 0)', async () => {
    const port = lab().allocatePeerPort();
    const listening = await listen('--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`, '--local', `127.0.0.1:${port}`, '--t1', '50',
      '--early-media', '--answer-after', '0.2', '--count', '1', '--json', '-');
    const caller = await lab().startUac('uac-100rel', `farend-${port}`, { keys: { require100rel: 'Require: 100rel' }, pauseMs: 200 });
    const run = await listening.result;
    expect((await caller.result).explanation).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.outcome).toBe('answered 1 call(s), ended cleanly');
    const sent = report.calls[0]!.messages.filter((m) => m.direction === 'sent').map((m) => m.startLine);
    expect(sent.filter((l) => l.startsWith('SIP/2.0 1') || l.startsWith('SIP/2.0 2'))).toEqual(
      expect.arrayContaining(['SIP/2.0 183 Session Progress', 'SIP/2.0 200 OK']));
    expect(report.calls[0]!.messages.some((m) => m.direction === 'received' && m.startLine.startsWith('PRACK '))).toBe(true);
  });

  it('one CLI calls the other: call over WSS, listen on UDP as farend-<port>', async () => {
    const port = lab().allocatePeerPort();
    const listening = await listen('--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`, '--local', `127.0.0.1:${port}`, '--t1', '50',
      '--answer-after', '0.1', '--count', '1', '--media', 'none');
    const calling = await cli('call', ...wss(), '--duration', '0.2', '--media', 'none', '--json', '-', `farend-${port}`);
    const listened = await listening.result;
    expect(calling.code).toBe(0);
    expect(listened.code).toBe(0);
    expect(listened.stdout).toMatch(/ACK received/);
    const report = JSON.parse(calling.stdout) as Report;
    expect(report.calls[0]!.messages.some((m) => m.startLine.startsWith('SIP/2.0 180 '))).toBe(true);
  });

  it('--register over WSS: the CLI callee registers as bob and is called by name through the location service', async () => {
    const bob = lab().account('bob');
    const listening = await listen(...wss(), '--user', 'bob', '--password', bob.password, '--from', 'sip:bob@callscope.lab', '--register',
      '--early-media', '--count', '1', '--duration', '0.3');
    const calling = await cli('call', ...wss(), '--duration', '2', 'sip:bob@callscope.lab');
    const listened = await listening.result;
    expect(listened.stderr).toBe('');
    expect(listened.code).toBe(0);
    expect(listened.stdout).toMatch(/listening as sip:bob@callscope\.lab .*, registered/);
    expect(listened.stdout + listened.stderr).not.toContain(bob.password);
    // The callee hung up after --duration; the caller saw a clean end (the callee's BYE).
    expect(calling.code).toBe(0);
    expect(calling.stdout).toMatch(/early media \(reliable 18x\)/);
    expect(calling.stdout).toMatch(/ended: hangup-remote/);
  });

  it('--reject 603 declines the call as asked (exit 0)', async () => {
    const port = lab().allocatePeerPort();
    const listening = await listen('--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`, '--local', `127.0.0.1:${port}`, '--reject', '603');
    const calling = await cli('call', ...wss(), `farend-${port}`);
    expect(calling).toMatchObject({ code: 1, stderr: 'callscope call: 603 Decline\n' });
    expect((await listening.result).code).toBe(0);
  });
});
