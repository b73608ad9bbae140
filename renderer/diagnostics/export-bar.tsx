// Export the call: pcap, text and JSON through the host; the ladder as SVG (drawn here from
// the rows shown) or PNG (that SVG on a canvas); and a support bundle: one JSON file with
// the trace, findings, timings, media summary and app/version, secrets removed.
import { useState } from 'react';
import type { AppApi, AppInfo } from '../../main/contract/app-api.js';
import type { CallData } from './model/call-data.js';
import { fromBase64, toBase64 } from './model/import-chunks.js';
import type { LadderLayout } from './model/ladder-layout.js';
import { ladderSvg } from './model/ladder-svg.js';
import { buildSupportBundle, supportBundleFileName } from './model/support-bundle.js';
import type { TimingBreakdown } from './model/timings.js';

export interface ExportBarProps {
  readonly api: AppApi;
  readonly data: CallData;
  readonly layout: LadderLayout;
  readonly positions: readonly number[];
  readonly timings: TimingBreakdown;
  readonly app: AppInfo | undefined;
}

function save(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function baseName(data: CallData): string {
  return `callscope-${data.sipCallId.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64) || 'call'}`;
}

async function svgToPng(svg: string): Promise<Blob> {
  const image = new Image();
  // The page's CSP allows data: images, not blob: ones.
  image.src = `data:image/svg+xml;base64,${toBase64(new TextEncoder().encode(svg))}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this page cannot draw on a canvas');
  context.drawImage(image, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the image could not be made'))), 'image/png'));
}

export function ExportBar({ api, data, layout, positions, timings, app }: ExportBarProps) {
  const [status, setStatus] = useState<{ kind: 'ok' | 'error' | 'busy'; text: string } | undefined>();
  const run = async (what: string, action: () => Promise<string>): Promise<void> => {
    setStatus({ kind: 'busy', text: `Preparing ${what}…` });
    try {
      setStatus({ kind: 'ok', text: `Saved ${await action()}` });
    } catch (error) {
      setStatus({ kind: 'error', text: `${what} could not be exported: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  const fromHost = (format: 'pcap' | 'text' | 'json') => run(format === 'text' ? 'the text' : format.toUpperCase(), async () => {
    const result = await api.exportCall({ key: data.key, format });
    if (!result.ok) throw new Error(result.error.message.replace(/^\w+: /, ''));
    const bytes = fromBase64(result.value.data);
    save(result.value.fileName, new Blob([bytes.buffer as ArrayBuffer], { type: result.value.mimeType }));
    return result.value.fileName;
  });
  const svg = () => ladderSvg({ title: data.title, messages: data.messages, layout, positions });
  const bundle = () => run('the support bundle', async () => {
    const result = await api.exportCall({ key: data.key, format: 'json' });
    if (!result.ok) throw new Error(result.error.message.replace(/^\w+: /, ''));
    const traceJson = new TextDecoder().decode(fromBase64(result.value.data));
    const createdAt = Date.now();
    const content = buildSupportBundle({
      app, key: data.key, title: data.title, sipCallId: data.sipCallId, traceJson, findings: data.findings, timings,
      media: data.media, notes: data.notes, createdAt,
    });
    const name = supportBundleFileName(data.sipCallId, createdAt);
    save(name, new Blob([`${JSON.stringify(content, null, 2)}\n`], { type: 'application/json' }));
    return name;
  });

  return (
    <section className="diag-section below" aria-labelledby="export-title">
      <h3 id="export-title" className="diag-title">Export</h3>
      <div className="export-buttons" role="group" aria-label="Export this call">
        <button type="button" className="secondary" onClick={() => void fromHost('pcap')}>pcap<span className="visually-hidden"> capture (Wireshark, sngrep)</span></button>
        <button type="button" className="secondary" onClick={() => void fromHost('text')}>Text</button>
        <button type="button" className="secondary" onClick={() => void fromHost('json')}>JSON</button>
        <button type="button" className="secondary" onClick={() => void run('the ladder', async () => {
          const name = `${baseName(data)}-ladder.svg`;
          save(name, new Blob([svg()], { type: 'image/svg+xml' }));
          return name;
        })}>Ladder as SVG</button>
        <button type="button" className="secondary" onClick={() => void run('the ladder', async () => {
          const name = `${baseName(data)}-ladder.png`;
          save(name, await svgToPng(svg()));
          return name;
        })}>Ladder as PNG</button>
        <button type="button" onClick={() => void bundle()}>Support bundle</button>
      </div>
      <p className="note">The support bundle is one JSON file to attach to a ticket: the trace, findings, timing, media summary and Callscope version, with digest responses, nonces, ICE passwords and keys removed.</p>
      {status && (
        <p className={status.kind === 'error' ? 'banner banner-error' : 'note'} role={status.kind === 'error' ? 'alert' : 'status'}>{status.text}</p>
      )}
    </section>
  );
}
