// The fault options of `callscope call` (the caller's) and `callscope listen`
// (the callee's): labelled as faults in --help with the rule each breaks,
// parsed into the call engine's CallFaults, and refused when malformed or
// on the wrong command.
import { describe, expect, it } from 'vitest';
import { faultOptionNames, parseFaults } from '../../../src/cli/fault-flags.js';
import { runCli } from '../../support/cli-run.js';
import { FAULTS } from '../../../src/ua/call/faults.js';

const run = runCli;

describe('fault options on the command line', () => {
  it('each command offers its side\'s faults (and --private-contact on both)', () => {
    expect(faultOptionNames('caller')).toEqual({
      flags: ['--drop-ack', '--no-prack', '--bad-ack-cseq', '--cancel-early', '--cancel-late', '--wrong-route-set'],
      values: ['--auth-retries', '--private-contact'],
    });
    expect(faultOptionNames('callee')).toEqual({
      flags: ['--unreliable-early-media', '--trying-to-tag', '--bye-before-ack', '--ignore-ack', '--ignore-prack', '--rseq-gap'],
      values: ['--private-contact', '--post-dial-delay'],
    });
  });

  it('--help labels every fault as one, with the rule it breaks and the finding Callscope names for it', async () => {
    for (const [command, side] of [['call', 'caller'], ['listen', 'callee']] as const) {
      const help = (await run(command, '--help')).stdout;
      expect(help).toMatch(/Faults \(deliberate protocol violations, for testing proxies and SBCs; all off by default\):/);
      for (const f of FAULTS.filter((x) => x.side === side || x.side === 'both')) {
        const section = help.slice(help.indexOf(`  ${f.flag}`));
        expect(section, f.flag).toMatch(/^ {2}--[a-z-]+( [A-Z]+)?\s+FAULT: /);
        expect(section.slice(0, 400).replace(/\s+/g, ' '), f.flag).toContain(`${f.rfc}; Callscope names ${f.shows.join(', ')}`);
      }
    }
  });

  it('parses flags and values into CallFaults', () => {
    const values = new Map<string, string | true>([['--drop-ack', true], ['--auth-retries', '3'], ['--private-contact', '10.0.0.7']]);
    expect(parseFaults(values, 'caller')).toEqual({ dropAck: true, authRetries: 3, privateContact: '10.0.0.7' });
    expect(parseFaults(new Map<string, string | true>([['--post-dial-delay', '5.5'], ['--rseq-gap', true]]), 'callee')).toEqual({ postDialDelayMs: 5500, rseqGap: true });
    expect(parseFaults(new Map(), 'caller')).toEqual({});
  });

  it('refuses malformed values and the other side\'s faults (exit 2, one sentence)', async () => {
    expect(parseFaults(new Map([['--auth-retries', '0']]), 'caller')).toMatch(/--auth-retries needs a number of retries from 1 to 20/);
    expect(parseFaults(new Map([['--post-dial-delay', 'soon']]), 'callee')).toMatch(/--post-dial-delay needs a number of seconds/);
    expect(parseFaults(new Map([['--private-contact', 'a b']]), 'callee')).toMatch(/--private-contact needs a host/);
    const server = ['--server', 'sip:127.0.0.1:9;transport=udp'];
    expect(await run('call', ...server, '--trying-to-tag', 'bob')).toMatchObject({ code: 2, stderr: 'callscope call: unknown option --trying-to-tag\n' });
    expect(await run('listen', ...server, '--drop-ack')).toMatchObject({ code: 2, stderr: 'callscope listen: unknown option --drop-ack\n' });
    expect(await run('call', ...server, '--auth-retries', 'x', 'bob')).toMatchObject({ code: 2 });
  });
});
