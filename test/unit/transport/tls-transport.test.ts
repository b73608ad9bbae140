// TLS on 127.0.0.1 with throw-away certificates: verification is on by
// default, a CA file makes the lab's certificate trusted, and every failure
// says what is wrong and what to do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeLabCertificates } from '../../lab/certs.js';
import type { LabCertificates } from '../../lab/certs.js';
import { createTlsTransport } from '../../../src/transport/tls-transport.js';
import type { TlsServer, TlsTransport } from '../../../src/transport/tls-transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { bytes, record, sipRequest, text } from './helpers.js';

let dir: string;
let certs: LabCertificates;
let otherCa: LabCertificates;
let selfSigned: { certFile: string; keyFile: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'callscope-tls-'));
  certs = makeLabCertificates(dir);
  otherCa = makeLabCertificates(mkdtempSync(join(dir, 'other-')));
  selfSigned = { certFile: join(dir, 'self.pem'), keyFile: join(dir, 'self.key') };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', selfSigned.keyFile, '-out', selfSigned.certFile, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: ['ignore', 'ignore', 'pipe'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tlsServer(files: { certFile: string; keyFile: string } = certs): Promise<TlsTransport> {
  const t = await createTlsTransport({ listen: { host: '127.0.0.1', port: 0, ...files } });
  cleanups.push(() => t.close());
  return t;
}

async function clientFlow(server: TlsServer) {
  const t = await createTlsTransport({ servers: [server], clock: new FakeClock(), random: () => 0, flow: { keepAlive: { intervalMs: 0 } } });
  cleanups.push(() => t.close());
  const r = record(t);
  t.connect();
  const state = await Promise.race([r.waitForState('connected'), r.waitForState('failed')]);
  return { t, r, state };
}

const FIX = "add the server's CA file or turn on 'accept invalid certificate' for this server";

describe('TLS verification', () => {
  it('fails without the CA file, saying the certificate is not trusted and what to do', async () => {
    const server = await tlsServer();
    const { state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port });
    expect(state.state).toBe('failed');
    expect(state.reason).toBe(`certificate for 127.0.0.1 is not trusted: unable to verify the first certificate — ${FIX}`);
  });

  it('a self-signed certificate is named as such', async () => {
    const server = await tlsServer(selfSigned);
    const { state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port });
    expect(state.reason).toBe(`certificate for 127.0.0.1 is not trusted: self-signed certificate — ${FIX}`);
  });

  it('fails with a CA file of another CA', async () => {
    const server = await tlsServer();
    const { state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port, caFile: otherCa.caFile });
    expect(state.state).toBe('failed');
    expect(state.reason).toMatch(/^certificate for 127\.0\.0\.1 is not trusted: /);
  });

  it('a certificate that does not name the host is refused even with the right CA', async () => {
    const server = await tlsServer();
    const { state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port, caFile: certs.caFile, serverName: 'sip.example.com' });
    expect(state.reason).toMatch(/^certificate does not name sip\.example\.com: .*connect using a name the certificate lists/);
  });

  it('a missing CA file is reported as such', async () => {
    const server = await tlsServer();
    const { state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port, caFile: join(dir, 'nope.pem') });
    expect(state.reason).toMatch(/cannot read the CA file .*nope\.pem for 127\.0\.0\.1: ENOENT/);
  });

  it('connects with the CA file, and messages flow both ways on the connection', async () => {
    const server = await tlsServer();
    const rs = record(server);
    const { t, r, state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port, caFile: certs.caFile });
    expect(state).toMatchObject({ state: 'connected', target: `tls:127.0.0.1:${server.listenAddress!.port}` });
    const request = sipRequest('OPTIONS');
    await t.send(bytes(request), { protocol: 'TLS', host: '127.0.0.1', port: server.listenAddress!.port });
    const [got] = await rs.waitForMessages(1);
    expect(text(got!.data)).toBe(request);
    expect(got!.source).toEqual(t.clientFlowLink!.local);
    await server.send(bytes('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), got!.source, { flowId: got!.flowId! });
    const [reply] = await r.waitForMessages(1);
    expect(text(reply!.data)).toBe('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(reply!.flowId).toBe(t.clientFlowLink!.flowId);
  });

  it("'accept invalid certificate' is per server and lets an untrusted certificate through", async () => {
    const server = await tlsServer(selfSigned);
    const { state } = await clientFlow({ host: '127.0.0.1', port: server.listenAddress!.port, acceptInvalidCertificate: true });
    expect(state.state).toBe('connected');
  });

  it('an ad-hoc destination is verified too; the send rejects with the reason', async () => {
    const server = await tlsServer();
    const t = await createTlsTransport();
    cleanups.push(() => t.close());
    const error = await t.send(bytes('x'), { protocol: 'TLS', host: '127.0.0.1', port: server.listenAddress!.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toBe(`certificate for 127.0.0.1 is not trusted: unable to verify the first certificate — ${FIX}`);
    const trusting = await createTlsTransport({ caFile: certs.caFile });
    cleanups.push(() => trusting.close());
    await trusting.send(bytes(sipRequest('OPTIONS')), { protocol: 'TLS', host: '127.0.0.1', port: server.listenAddress!.port });
  });
});
