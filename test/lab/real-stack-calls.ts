// Calls between real stacks through the lab's Kamailio, each both legs in the
// lab's capture: the WebSocket side is Callscope's CLI or a bare WebRTC-style
// client (the way browsers' SIP libraries write their messages), the UDP side
// SIPp, baresip or linphonec. The diagnostics lab test runs them and checks
// Callscope's findings; make-real-stack-fixtures.ts keeps their SIP as the
// unit tests' fixtures.
import type { Lab } from './lab.js';
import { startBaresip, startLinphonec } from './real-stacks.js';
import { startCli, type CliRun } from '../support/cli-run.js';
import { RawWsSipClient, cseqOf, headerValues, randomToken, sipMessage, statusOf } from './ws-sip-client.js';

export interface RealStackCall {
  /** What a test checks besides the capture: the CLI's own run, when a CLI took part. */
  readonly cli?: CliRun;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function callOverWs(lab: Lab, ...argv: string[]): Promise<CliRun> {
  return startCli('call', '--server', lab.proxy.wsUrl, '--ring-timeout', '15', ...argv).result;
}

/** A Callscope listener over WebSocket registered as `user`, once it says so (its run ends later). */
async function listenOverWs(lab: Lab, user: string, ...argv: string[]): Promise<{ readonly result: Promise<CliRun> }> {
  const listener = startCli('listen', '--server', lab.proxy.wsUrl, '--user', user, '--password', lab.account(user).password,
    '--from', `sip:${user}@${lab.proxy.realm}`, '--register', '--count', '1', '--timeout', '30', ...argv);
  const deadline = Date.now() + 10_000;
  while (!/listening as .*registered/.test(listener.output())) {
    if (Date.now() > deadline) throw new Error(`callscope listen did not register: ${listener.output()}`);
    await sleep(50);
  }
  return { result: listener.result };
}

/** SIPp without 100rel calls baresip, which answers early (183 with SDP, unreliably), then for real 3.5 s later. */
export async function sippCallsBaresipEarly(lab: Lab): Promise<RealStackCall> {
  const far = await startBaresip(lab, { answerMode: 'early' });
  const caller = await lab.startUac('uac-basic', `farend-${far.sipPort}`, { pauseMs: 4000 });
  await sleep(3500);
  await far.command('accept');
  const result = await caller.result;
  if (!result.ok) throw new Error(result.explanation);
  await far.stop();
  return {};
}

/** SIPp calls baresip, which answers at once: RTP both ways for 4 s. */
export async function sippCallsBaresip(lab: Lab): Promise<RealStackCall> {
  const far = await startBaresip(lab, { answerMode: 'auto' });
  const caller = await lab.startUac('uac-basic', `farend-${far.sipPort}`, { pauseMs: 4000 });
  const result = await caller.result;
  if (!result.ok) throw new Error(result.explanation);
  await far.stop();
  return {};
}

/** Callscope over WebSocket (Supported: 100rel) calls baresip, which answers early without 100rel, then for real. */
export async function cliCallsBaresipEarly(lab: Lab): Promise<RealStackCall> {
  const far = await startBaresip(lab, { answerMode: 'early' });
  const run = callOverWs(lab, '--duration', '1', far.uri);
  await sleep(1500);
  await far.command('accept');
  const cli = await run;
  await far.stop();
  return { cli };
}

/** Callscope over WebSocket requires 100rel; linphonec (100rel off) neither honours it nor refuses with 420. */
export async function cliRequires100relOfLinphone(lab: Lab): Promise<RealStackCall> {
  const far = await startLinphonec(lab, { reliableProvisionals: 0 });
  const cli = await callOverWs(lab, '--duration', '1', '--100rel', 'required', '--json', '-', far.uri);
  await far.stop();
  return { cli };
}

/** linphonec (100rel on) rings 2 s with a reliable 180 that has no Contact, never retransmitted, then answers. */
export async function cliCallsLinphoneReliable180(lab: Lab): Promise<RealStackCall> {
  const far = await startLinphonec(lab, { reliableProvisionals: 1, answerMode: 'manual' });
  // Required: with 100rel only supported by the caller, linphonec's provisionals are unreliable.
  const run = callOverWs(lab, '--duration', '1', '--100rel', 'required', '--json', '-', far.uri);
  await far.waitFor(/Receiving new incoming call|is contacting you/i, 'rings');
  await sleep(2000);
  far.type('answer');
  const cli = await run;
  await far.stop();
  return { cli };
}

/** Callscope over WebSocket calls a SIPp far end that answers the PRACK of its reliable 183 with 481, then the call. */
export async function cliCallsPrackError(lab: Lab): Promise<RealStackCall> {
  const far = await lab.startUas('uas-prack-error');
  const cli = await callOverWs(lab, '--duration', '0.5', '--json', '-', lab.farEndUri(far.port));
  const result = await far.result;
  if (!result.ok) throw new Error(result.explanation);
  return { cli };
}

/** A WebRTC-style client (`.invalid` Via and Contact with `ob`, ICE and DTLS in its SDP) calls baresip over WebSocket. */
export async function webrtcClientCallsBaresip(lab: Lab): Promise<RealStackCall> {
  const far = await startBaresip(lab, { answerMode: 'auto' });
  const client = await RawWsSipClient.connect(lab.proxy.wsUrl);
  try {
    const host = `${randomToken()}.invalid`;
    const target = `sip:farend-${far.sipPort}@${lab.proxy.realm}`;
    const callId = randomToken();
    const from = `"Alice" <sip:alice@${lab.proxy.realm}>;tag=${randomToken()}`;
    const offer = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
      `a=candidate:1 1 udp 2122260223 127.0.0.1 ${lab.allocateMediaPort()} typ host generation 0`,
      'a=ice-ufrag:Abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=ice-options:trickle',
      'a=fingerprint:sha-256 6B:8B:5A:D5:1D:3D:17:43:51:A6:A8:7B:48:4F:4D:5C:6E:93:24:1D:6F:1A:5F:6D:9E:3C:60:7B:AE:71:98:1A',
      'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000', 'a=rtpmap:126 telephone-event/8000', ''].join('\r\n');
    client.send(sipMessage(`INVITE ${target} SIP/2.0`, [`Via: SIP/2.0/WS ${host};branch=z9hG4bK${randomToken()}`, 'Max-Forwards: 69',
      `From: ${from}`, `To: <${target}>`, `Call-ID: ${callId}`, 'CSeq: 8241 INVITE', `Contact: <sip:alice@${host};transport=ws;ob>`,
      'Supported: ice,replaces,outbound', 'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO', 'Content-Type: application/sdp'], offer));
    const answer = await client.receive((m) => cseqOf(m) === '8241 INVITE' && statusOf(m) >= 200, 10_000);
    if (statusOf(answer) !== 200) throw new Error(`the far end answered ${statusOf(answer)}`);
    // ACK and BYE end to end: Request-URI = the 2xx Contact, Route = Record-Route reversed (RFC 3261 §12.1.2).
    const routes = headerValues(answer, 'Record-Route').flatMap((v) => v.split(/,\s*(?=<)/)).reverse().map((r) => `Route: ${r}`);
    const remoteTarget = /<([^>]+)>/.exec(headerValues(answer, 'Contact')[0]!)![1]!;
    const inDialog = (method: string, cseq: number) => sipMessage(`${method} ${remoteTarget} SIP/2.0`, [
      `Via: SIP/2.0/WS ${host};branch=z9hG4bK${randomToken()}`, 'Max-Forwards: 69', `From: ${from}`, `To: ${headerValues(answer, 'To')[0]}`,
      `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`, ...routes]);
    client.send(inDialog('ACK', 8241));
    await sleep(1000);
    client.send(inDialog('BYE', 8242));
    const bye = await client.receive((m) => cseqOf(m) === '8242 BYE', 5000);
    if (statusOf(bye) !== 200) throw new Error(`BYE got ${statusOf(bye)}`);
  } finally {
    client.close();
    await far.stop();
  }
  return {};
}

/** baresip over UDP calls a Callscope listener over WebSocket, puts it on hold and back, and hangs up. */
export async function baresipCallsWebSocketCallee(lab: Lab): Promise<RealStackCall> {
  const caller = await startBaresip(lab, { answerMode: 'manual', user: 'carol' });
  const listener = await listenOverWs(lab, 'bob', '--duration', '30');
  await caller.command('dial', `sip:bob@127.0.0.1:${lab.proxy.ports.udp}`);
  await sleep(2000);
  await caller.command('hold');
  await sleep(1000);
  await caller.command('resume');
  await sleep(1000);
  await caller.command('hangup');
  const cli = await listener.result;
  await caller.stop();
  return { cli };
}

/** linphonec over UDP calls a Callscope listener over WebSocket and hangs up after a second. */
export async function linphoneCallsWebSocketCallee(lab: Lab): Promise<RealStackCall> {
  const caller = await startLinphonec(lab, {});
  const listener = await listenOverWs(lab, 'bob', '--duration', '30');
  caller.type(`call sip:bob@127.0.0.1:${lab.proxy.ports.udp}`);
  await caller.waitFor(/^Call \d+ with .* connected\.$/m, 'is answered');
  await sleep(1000);
  caller.type('terminate');
  const cli = await listener.result;
  await caller.stop();
  return { cli };
}

/** Callscope over UDP (signalling only: it sends no RTP) calls baresip, which answers and sends its tone for 5 s. */
export async function silentCliCallsBaresip(lab: Lab): Promise<RealStackCall> {
  const far = await startBaresip(lab, { answerMode: 'auto' });
  const port = lab.allocateMediaPort();
  const cli = await startCli('call', '--server', `sip:127.0.0.1:${lab.proxy.ports.udp};transport=udp`, '--duration', '5',
    '--sdp', await writeSdp(lab, port), far.uri).result;
  await far.stop();
  return { cli };
}

async function writeSdp(lab: Lab, port: number): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const file = `${lab.dir}/cli-${port}.sdp`;
  await writeFile(file, ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n'));
  return file;
}
