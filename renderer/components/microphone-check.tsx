import { useState } from 'react';

type Check = { kind: 'idle' } | { kind: 'running' } | { kind: 'ok'; device: string } | { kind: 'failed'; reason: string };

/** Opens the microphone once (then releases it) to prove audio capture works here. */
export function MicrophoneCheck() {
  const [check, setCheck] = useState<Check>({ kind: 'idle' });

  const run = async (): Promise<void> => {
    setCheck({ kind: 'running' });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      const [track] = stream.getAudioTracks();
      const device = track?.label || 'default microphone';
      for (const t of stream.getTracks()) t.stop();
      setCheck({ kind: 'ok', device });
    } catch (error) {
      setCheck({ kind: 'failed', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };

  return (
    <section className="panel" aria-labelledby="mic-title">
      <h2 id="mic-title">Microphone</h2>
      <div className="row">
        <button type="button" onClick={() => void run()} disabled={check.kind === 'running'}>
          Test microphone
        </button>
        <p className="mic-result" role="status" aria-label="Microphone check">
          {check.kind === 'running' && 'Opening the microphone…'}
          {check.kind === 'ok' && `Microphone works: ${check.device}`}
          {check.kind === 'failed' && `Microphone unavailable (${check.reason})`}
        </p>
      </div>
    </section>
  );
}
