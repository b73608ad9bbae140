// `callscope call`'s outcome: a call answered and ended cleanly says so, and says too when
// its diagnostics found an error on the way (here a far end that answers the PRACK of its own
// reliable 183 with 481, then answers the call all the same). The far end is a few lines of
// scripted UDP on loopback, with no media: the calls are signalling only (--media none).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-run.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

function header(message: string, name: string): string {
  return new RegExp(`^${name}:.*$`, 'im').exec(message)?.[0] ?? '';
}

/** A far end that answers INVITE with a reliable 183 and then 200; PRACK with `prackStatus`; BYE with 200. */
function scriptedFarEnd(prackStatus: string): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  let invite = '';
  const reply = (to: RemoteInfo, request: string, status: string, extra: string[] = [], body = '') => {
    const lines = [`SIP/2.0 ${status}`, ...request.split('\r\n').filter((l) => /^(Via|From|Call-ID|CSeq):/i.test(l)),
      `${header(request, 'To')}${/;tag=/.test(header(request, 'To')) ? '' : ';tag=far1'}`,
      'Contact: <sip:far@127.0.0.1:' + String(socket.address().port) + '>', ...extra,
      ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body];
    socket.send(lines.join('\r\n'), to.port, to.address);
  };
  socket.on('message', (data, from) => {
    const text = data.toString('latin1');
    const method = text.split(' ', 1)[0];
    if (method === 'INVITE') {
      invite = text;
      reply(from, text, '183 Session Progress', ['Require: 100rel', 'RSeq: 1'], SDP);
    } else if (method === 'PRACK') {
      reply(from, text, prackStatus);
      setTimeout(() => reply(from, invite, '200 OK', [], SDP), 50);
    } else if (method === 'BYE') {
      reply(from, text, '200 OK');
    }
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve({ socket, port: socket.address().port })));
}

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

describe('callscope call: the outcome line', () => {
  it('answered and ended cleanly, but a failed PRACK is an error finding: the outcome names it (text and --json), exit 0', async () => {
    const far = await scriptedFarEnd('481 Call/Transaction Does Not Exist');
    sockets.push(far.socket);
    const run = await runCli('call', '--server', `sip:127.0.0.1:${far.port};transport=udp`, '--t1', '50', '--media', 'none', '--duration', '0.1', '--json', '-',
      `sip:far@127.0.0.1:${far.port}`);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^outcome: answered and ended cleanly, but with error findings: prack-failed$/m);
    const report = JSON.parse(run.stdout) as { outcome: string; calls: Array<{ findings: Array<{ code: string }> }> };
    expect(report.outcome).toBe('answered and ended cleanly, but with error findings: prack-failed');
    expect(report.calls[0]!.findings.map((f) => f.code)).toEqual(['prack-failed']);
  });

  it('a clean call says just that', async () => {
    const far = await scriptedFarEnd('200 OK');
    sockets.push(far.socket);
    const run = await runCli('call', '--server', `sip:127.0.0.1:${far.port};transport=udp`, '--t1', '50', '--media', 'none', '--duration', '0.1',
      `sip:far@127.0.0.1:${far.port}`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^outcome: answered and ended cleanly$/m);
  });
});
