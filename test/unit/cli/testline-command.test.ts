// `callscope testline` in-process: it prints where it listens (loopback, a secret path),
// the digest credentials and the numbers; a client registers with them and calls; each
// call is logged; it stops cleanly; bad options are one sentence and exit 2.
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../../src/ua/user-agent.js';
import { runCli, startCli } from '../../support/cli-run.js';
import { waitFor } from '../../support/wait-for.js';

describe('callscope testline', { timeout: 20_000 }, () => {
  it('prints its URL, credentials and numbers; a client registers with them and calls; every call is logged', async () => {
    const cli = startCli('testline', '--port', '0', '--t1', '25', '--stop-after', '4');
    const banner = await waitFor(() => /callscope test line on (ws:\S+) \(this machine only\)\n.*password (\S+) \(realm/s.exec(cli.output()) ?? undefined, 'the banner');
    const [, url, password] = banner;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/sip\/[A-Za-z0-9_-]{24}$/);
    expect(cli.output()).toMatch(/register as sip:test@127\.0\.0\.1 with digest user test/);
    expect(cli.output()).toMatch(/^ {4}no-ack {6}The ACK never arrives \[missing-ack\]$/m);
    expect(cli.output()).toMatch(/^ {4}one-way {5}One-way audio \[media: one-way-audio\]$/m);
    const started = await UserAgent.start({ server: url!, user: 'test', password: password!, register: true, t1: 25 });
    expect(started.ok).toBe(true);
    const ua = started.ok ? started.value : undefined!;
    const busy = ua.agent.call(ua.target('busy'));
    expect(await busy.ended).toMatchObject({ status: 486 });
    await waitFor(() => / call from sip:test@127\.0\.0\.1 to busy: rejected — rejected with 486/.test(cli.output()), 'the log line');
    await ua.close();
    const result = await cli.result;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/callscope test line stopped\n$/);
  });

  it('listening beyond loopback says so; bad options are one sentence, exit 2', async () => {
    expect(await runCli('testline', '--port', 'x')).toMatchObject({ code: 2, stderr: "callscope testline: --port needs a port number, not 'x'\n" });
    expect(await runCli('testline', '--password', 'short')).toMatchObject({ code: 2, stderr: 'callscope testline: --password needs at least 8 characters\n' });
    expect(await runCli('testline', '--server', 'ws://x')).toMatchObject({ code: 2, stderr: 'callscope testline: unknown option --server\n' });
    const wide = await runCli('testline', '--port', '0', '--listen', '0.0.0.0', '--stop-after', '0.2', '--user', 'demo', '--password', 'demo-password', '--path', '/sip');
    expect(wide.code).toBe(0);
    // The URL names an address other machines can reach, not the wildcard.
    expect(wide.stdout).toMatch(/^callscope test line on ws:\/\/(?!0\.0\.0\.0)[0-9.]+:\d+\/sip\n/);
    expect(wide.stdout).toMatch(/with digest user demo, password demo-password/);
    expect(wide.stderr).toMatch(/listening on 0\.0\.0\.0: anyone who can reach this port, and knows the path and the password, can call the line/);
  });
});
