// The lab's own promises: every scenario works against the proxy, the proxy
// can be restarted in place, and a kept lab holds readable logs and capture.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startLab } from './lab.js';
import { kamailioControlSocket, pingSipUdp } from './kamailio.js';
import { scenarioDir } from './sipp.js';
import { useLab } from './vitest-lab.js';

const labDir = dirname(fileURLToPath(import.meta.url));

describe('SIP lab scenarios and controls', () => {
  const lab = useLab({ name: 'lab-api', auth: false, rtpengine: false });

  it('plain call: a caller without 100rel reaches the ringing far end and hangs up', async () => {
    const callee = await lab().startUas('uas-ringing-answer');
    const caller = await lab().startUac('uac-basic', `farend-${callee.port}`, { pauseMs: 200 });
    expect((await caller.result).explanation).toBe('');
    expect((await callee.result).explanation).toBe('');
    expect(caller.messageLog()).not.toMatch(/^Supported: 100rel/m);
  });

  it('busy far end: 486 reaches the caller, and the proxy ACKs it hop by hop', async () => {
    const callee = await lab().startUas('uas-busy');
    const caller = await lab().startUac('uac-basic', `farend-${callee.port}`);
    const callerResult = await caller.result;
    expect(callerResult.ok).toBe(false);
    expect(caller.messageLog()).toMatch(/^SIP\/2\.0 486 Busy Here/m);
    expect((await callee.result).explanation).toBe('');
  });

  it('ringing far end: the caller CANCELs, gets 200 then 487, and ACKs', async () => {
    const callee = await lab().startUas('uas-ringing-forever');
    const caller = await lab().startUac('uac-cancel', `farend-${callee.port}`);
    expect((await caller.result).explanation).toBe('');
    expect((await callee.result).explanation).toBe('');
  });

  it('a silent far end never answers, so the caller sees only the proxy\'s 100 Trying', async () => {
    const callee = await lab().startUas('uas-no-answer', { pauseMs: 1500 });
    const caller = await lab().startUac('uac-basic', `farend-${callee.port}`, { timeoutS: 2 });
    expect((await caller.result).ok).toBe(false);
    expect((await callee.result).explanation).toBe('');
    const received = caller.messageLog().match(/^SIP\/2\.0 \d{3}/gm) ?? [];
    expect(new Set(received)).toEqual(new Set(['SIP/2.0 100']));
  });

  it('every scenario file is used by a lab test, the calls they share (real-stack-calls.ts) or an end-to-end test', () => {
    const e2eDir = join(labDir, '..', 'e2e');
    const tests = [
      ...readdirSync(labDir).filter((f) => f.endsWith('.lab.test.ts') || f === 'real-stack-calls.ts').map((f) => join(labDir, f)),
      ...readdirSync(e2eDir).filter((f) => f.endsWith('.spec.ts')).map((f) => join(e2eDir, f)),
    ].map((file) => readFileSync(file, 'utf8')).join('\n');
    const unused = readdirSync(scenarioDir).filter((f) => f.endsWith('.xml')).map((f) => f.replace(/\.xml$/, ''))
      .filter((name) => !tests.includes(`'${name}'`));
    expect(unused).toEqual([]);
  });

  it('restarts the proxy on the same ports', async () => {
    const { udp } = lab().proxy.ports;
    await lab().stopProxy();
    expect(await pingSipUdp(udp)).toBe(false);
    await lab().restartProxy();
    expect(await pingSipUdp(udp)).toBe(true);
  });
});

describe('SIP lab in a deep directory', () => {
  // CI checks out under a longer path than a developer's; a Unix socket path
  // over 104 bytes once made Kamailio's ctl module refuse to start.
  it('starts when its directory is deeper than a Unix socket path allows, and kamcmd reaches the proxy', async () => {
    const lab = await startLab({ name: `deep-${'d'.repeat(90)}`, auth: false, rtpengine: false, capture: false });
    try {
      expect(lab.dir.length).toBeGreaterThan(104);
      const socket = kamailioControlSocket(lab.proxy.ports.udp);
      expect(existsSync(socket)).toBe(true);
      const version = execFileSync('kamcmd', ['-s', `unix:${socket}`, 'core.version'], { encoding: 'utf8' });
      expect(version).toMatch(/kamailio/i);
    } finally {
      await lab.stop();
    }
    expect(existsSync(kamailioControlSocket(lab.proxy.ports.udp))).toBe(false);
  });
});

describe('SIP lab artifacts', () => {
  it('keeps logs and a capture that tshark reads back, with the call in it', async () => {
    const lab = await startLab({ name: 'lab-artifacts', auth: false, rtpengine: false });
    let kept: string | undefined;
    try {
      const callee = await lab.startUas('uas-reliable-183');
      const caller = await lab.startUac('uac-100rel', `farend-${callee.port}`, { pauseMs: 100 });
      expect((await caller.result).explanation).toBe('');
    } finally {
      kept = await lab.stop({ keepArtifacts: true });
    }
    try {
      expect(kept).toBe(lab.dir);
      for (const file of ['kamailio.log', 'kamailio.cfg', 'sip.pcapng']) expect(existsSync(join(kept!, file))).toBe(true);
      const methods = execFileSync('tshark', ['-r', join(kept!, 'sip.pcapng'), '-Y', 'sip.Request-Line', '-T', 'fields', '-e', 'sip.Method'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
      // Each request twice: caller -> proxy and proxy -> far end.
      for (const method of ['INVITE', 'PRACK', 'ACK', 'BYE']) {
        expect(methods.filter((m) => m === method)).toHaveLength(2);
      }
    } finally {
      rmSync(kept!, { recursive: true, force: true });
    }
  });
});
