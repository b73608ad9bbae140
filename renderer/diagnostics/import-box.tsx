// Open or drop a trace file (pcap, pcapng, sngrep / SIPp / text dumps, a Callscope JSON
// export): it goes to the host in base64 chunks read from the file as they are sent, with
// how far it got and a button to stop, and its calls are listed read-only. A file that is
// not a trace is refused with the host's reason, as soon as the host can tell.
import { useId, useRef, useState, type DragEvent } from 'react';
import type { AppApi, CallListItem } from '../../main/contract/app-api.js';
import { importChunks, importProgress, importRefusal, safeFileName } from './model/import-chunks.js';

export interface ImportBoxProps {
  readonly api: AppApi;
  readonly onImported: (calls: readonly CallListItem[]) => void;
}

type ImportState =
  | { kind: 'idle' }
  | { kind: 'busy'; name: string; sent: number; total: number; started: number }
  | { kind: 'done'; name: string; calls: number; notes: readonly string[] }
  | { kind: 'cancelled'; name: string }
  | { kind: 'error'; text: string };

export function ImportBox({ api, onImported }: ImportBoxProps) {
  const id = useId();
  const [state, setState] = useState<ImportState>({ kind: 'idle' });
  const [over, setOver] = useState(false);
  // The import in progress, and whether the person stopped it.
  const running = useRef<{ cancelled: boolean } | undefined>(undefined);

  const upload = async (file: File): Promise<void> => {
    if (running.current) return;
    const current = { cancelled: false };
    running.current = current;
    try {
      await send(file, current);
    } catch (error) {
      // The file went away or changed while it was read (or the bridge failed): say so.
      setState({ kind: 'error', text: `${safeFileName(file.name)} could not be imported: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      running.current = undefined;
    }
  };

  /** Stops before the next part; the host is told to forget the upload once it has named it. */
  const cancel = (): void => {
    if (running.current) running.current.cancelled = true;
  };

  const send = async (file: File, current: { readonly cancelled: boolean }): Promise<void> => {
    const name = safeFileName(file.name);
    const refusal = importRefusal(name, file.size);
    if (refusal) {
      setState({ kind: 'error', text: refusal });
      return;
    }
    // Parts are read from the file as they are sent, and the host reads each as it comes.
    const total = file.size;
    const started = Date.now();
    let uploadId: string | undefined;
    let sent = 0;
    setState({ kind: 'busy', name, sent, total, started });
    for await (const chunk of importChunks(file)) {
      if (current.cancelled) {
        if (uploadId !== undefined) await api.cancelTraceImport({ uploadId });
        setState({ kind: 'cancelled', name });
        return;
      }
      const result = await api.importTraceChunk({ fileName: name, data: chunk.data, last: chunk.last, ...(uploadId === undefined ? {} : { uploadId }) });
      if (!result.ok) {
        // The host's reason may start with the file's name again.
        const reason = result.error.message.replace(/^\w+: /, '').replace(`${name}: `, '');
        setState({ kind: 'error', text: `${name} could not be imported: ${reason}` });
        return;
      }
      if (!result.value.done) {
        uploadId = result.value.uploadId;
        sent = result.value.received;
        setState({ kind: 'busy', name, sent, total, started });
        continue;
      }
      const { calls, notes } = result.value;
      if (calls.length === 0) {
        setState({ kind: 'error', text: `${name} holds no SIP call Callscope could read.${notes.length > 0 ? ` ${notes.join(' ')}` : ''}` });
        return;
      }
      setState({ kind: 'done', name, calls: calls.length, notes });
      onImported(calls);
      return;
    }
  };
  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && state.kind !== 'busy') void upload(file);
  };

  return (
    <section className="import-box" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="diag-title">Import</h3>
      <div className={`drop-zone${over ? ' over' : ''}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <label htmlFor={`${id}-file`} className="file-label">Open a trace file</label>
        <input id={`${id}-file`} type="file" accept=".pcap,.pcapng,.cap,.txt,.log,.json,.sip" disabled={state.kind === 'busy'}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void upload(file);
          }} />
        <p className="note">or drop it here: pcap, pcapng, sngrep / SIPp / text dumps, or a Callscope JSON export.</p>
      </div>
      {state.kind === 'busy' && (
        <div className="import-progress">
          <p role="status" className="note">Importing {state.name}: {importProgress(state.sent, state.total, Date.now() - state.started)}</p>
          <progress max={state.total} value={state.sent} aria-label={`Import of ${state.name}`} />
          <button type="button" className="secondary" onClick={cancel}>Stop importing</button>
        </div>
      )}
      {state.kind === 'cancelled' && <p role="status" className="note">The import of {state.name} was stopped; nothing of it was kept.</p>}
      {state.kind === 'done' && (
        <div role="status" className="banner banner-ok">
          Imported {state.calls.toLocaleString('en-US')} call{state.calls === 1 ? '' : 's'} from {state.name}.
          {state.notes.length > 0 && <ul className="notes">{state.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
        </div>
      )}
      {state.kind === 'error' && <p role="alert" className="banner banner-error">{state.text}</p>}
    </section>
  );
}
