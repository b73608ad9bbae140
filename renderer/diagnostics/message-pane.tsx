// The selected message beside the ladder: its raw text with the start line, header names
// (by the part they play: dialog, routing, auth, extensions, body) and body highlighted,
// and what it says once parsed: identifiers, Via hops, the SDP, and anything wrong with it.
import { useEffect, useState } from 'react';
import type { AppApi, MessageSummary, MessageText } from '../../main/contract/app-api.js';
import type { TransactionModel } from '../../src/diagnostics/model-types.js';
import { bytes } from './model/format.js';
import { parseSip, tokenize, type ParsedSip } from './model/sip-text.js';

export interface MessagePaneProps {
  readonly api: AppApi;
  readonly callKey: string;
  readonly message: MessageSummary | undefined;
  readonly transaction: TransactionModel | undefined;
}

type TextState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; text: MessageText };

export function MessagePane({ api, callKey, message, transaction }: MessagePaneProps) {
  const [state, setState] = useState<TextState>({ kind: 'idle' });
  const index = message?.index;
  useEffect(() => {
    if (index === undefined) {
      setState({ kind: 'idle' });
      return undefined;
    }
    let current = true;
    setState({ kind: 'loading' });
    void api.getMessage({ key: callKey, index }).then((result) => {
      if (!current) return;
      setState(result.ok ? { kind: 'ready', text: result.value } : { kind: 'error', message: result.error.message.replace(/^\w+: /, '') });
    });
    return () => {
      current = false;
    };
  }, [api, callKey, index]);

  if (message === undefined) {
    return (
      <section className="message-pane" aria-label="Message">
        <p className="muted">Select a message in the ladder (click it, or use the arrow keys) to see its text and what it says.</p>
      </section>
    );
  }
  return (
    <section className="message-pane" aria-label={`Message #${message.index}`}>
      <h3 className="pane-title">#{message.index} {message.startLine}</h3>
      <p className="note">
        {message.direction === 'sent' ? 'Sent' : message.direction === 'received' ? 'Received' : 'Seen'} over {message.transport}
        {message.src !== undefined ? ` from ${message.src}` : ''}{message.dst !== undefined ? ` to ${message.dst}` : ''} · {bytes(message.bytes)}
        {message.retransmission ? ' · a retransmission' : ''}
        {transaction ? ` · ${transaction.method} ${transaction.role} transaction ${transaction.id}` : ' · no transaction (an ACK for a 2xx, or a stray)'}
      </p>
      {state.kind === 'loading' && <p className="muted" role="status">Loading the message…</p>}
      {state.kind === 'error' && <p className="banner banner-error" role="alert">The message could not be loaded: {state.message}</p>}
      {state.kind === 'ready' && <MessageBody text={state.text} />}
    </section>
  );
}

function MessageBody({ text }: { readonly text: MessageText }) {
  const tokens = tokenize(text.text);
  const parsed = parseSip(text.text, text.parseError);
  return (
    <div className="message-split">
      <div>
        <h4 className="pane-sub">Raw text{text.truncated ? ' (cut at 256 KiB)' : ''}</h4>
        <pre className="sip-text" tabIndex={0} role="region" aria-label="Raw message text">
          {tokens.map((t, i) => {
            switch (t.kind) {
              case 'start':
                return <span key={i} className="sip-start">{t.text}{'\n'}</span>;
              case 'header':
                return <span key={i}><span className={`sip-name group-${t.group}`}>{t.name}</span>: {t.value}{'\n'}</span>;
              case 'blank':
                return <span key={i}>{'\n'}</span>;
              case 'body':
                return <span key={i} className="sip-body">{t.text}{'\n'}</span>;
            }
          })}
        </pre>
      </div>
      <ParseResult parsed={parsed} />
    </div>
  );
}

function ParseResult({ parsed }: { readonly parsed: ParsedSip }) {
  return (
    <div>
      <h4 className="pane-sub">Parsed</h4>
      {parsed.problems.length === 0
        ? <p className="banner banner-ok">Parsed without problems.</p>
        : <ul className="banner banner-error problems" aria-label="Problems">{parsed.problems.map((p) => <li key={p}>{p}</li>)}</ul>}
      <dl className="facts parse-facts">
        <dt>Kind</dt><dd>{parsed.kind === 'request' ? `Request ${parsed.method}` : parsed.kind === 'response' ? `Response ${parsed.status} ${parsed.reason}` : 'Unknown'}</dd>
        {parsed.uri !== undefined && <><dt>Request-URI</dt><dd className="mono">{parsed.uri}</dd></>}
        {parsed.callId !== undefined && <><dt>Call-ID</dt><dd className="mono">{parsed.callId}</dd></>}
        {parsed.cseq !== undefined && <><dt>CSeq</dt><dd className="mono">{parsed.cseq}</dd></>}
        {parsed.from !== undefined && <><dt>From</dt><dd className="mono">{parsed.from}{parsed.fromTag ? ` (tag ${parsed.fromTag})` : ' (no tag)'}</dd></>}
        {parsed.to !== undefined && <><dt>To</dt><dd className="mono">{parsed.to}{parsed.toTag ? ` (tag ${parsed.toTag})` : ' (no tag)'}</dd></>}
        {parsed.contact !== undefined && <><dt>Contact</dt><dd className="mono">{parsed.contact}</dd></>}
        <dt>Via</dt>
        <dd>
          {parsed.via.length === 0 ? 'none' : (
            <ol className="via-list">
              {parsed.via.map((v, i) => (
                <li key={i} className="mono">{v.transport} {v.sentBy}{v.branch ? ` branch ${v.branch}` : ''}{v.received ? ` received ${v.received}` : ''}{v.rport !== undefined ? ` rport ${v.rport}` : ''}</li>
              ))}
            </ol>
          )}
        </dd>
        <dt>Headers</dt><dd>{parsed.headerCount}</dd>
        <dt>Body</dt><dd>{parsed.bodyBytes === 0 ? 'none' : `${bytes(parsed.bodyBytes)}${parsed.contentType ? ` of ${parsed.contentType}` : ''}`}</dd>
      </dl>
      {parsed.sdp && (
        <>
          <h4 className="pane-sub">SDP</h4>
          <ul className="sdp-sections">
            {parsed.sdp.sections.map((s, i) => (
              <li key={i}>
                <strong>{s.media}</strong> {s.port === 0 ? 'rejected (port 0)' : `${s.address ?? '?'}:${s.port}`} {s.protocol} · {s.direction}
                <br /><span className="mono">{s.codecs.join(', ')}</span>
                <br /><span className="muted">
                  {s.ice ? `ICE (${s.iceCandidates} candidate${s.iceCandidates === 1 ? '' : 's'})` : 'no ICE'}
                  {s.fingerprint ? ` · DTLS${s.dtlsSetup ? ` setup ${s.dtlsSetup}` : ''}` : ''}{s.crypto ? ' · SDES' : ''}{s.rtcpMux ? ' · rtcp-mux' : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
