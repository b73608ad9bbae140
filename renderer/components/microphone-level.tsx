// "Test microphone": opens the chosen microphone with the chosen processing and shows its
// level live until stopped (the stream is released then).
import { useEffect, useRef, useState } from 'react';
import type { Devices } from '../media/devices.js';

type Check = { kind: 'idle' } | { kind: 'running' } | { kind: 'ok'; device: string } | { kind: 'failed'; reason: string };

export function MicrophoneLevel({ devices, version }: { readonly devices: Devices; readonly version: number }) {
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const [level, setLevel] = useState(0);
  const stop = useRef<() => void>(() => undefined);

  const close = (): void => {
    stop.current();
    stop.current = () => undefined;
  };

  const start = async (): Promise<void> => {
    close();
    setCheck({ kind: 'running' });
    try {
      const choice = await devices.choice('microphone');
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { ...devices.processing, ...(choice.deviceId === undefined ? {} : { deviceId: { exact: choice.deviceId } }) }, video: false,
      });
      const [track] = stream.getAudioTracks();
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const v of samples) sum += v * v;
        setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
      }, 100);
      stop.current = () => {
        clearInterval(timer);
        for (const t of stream.getTracks()) t.stop();
        void context.close();
        setLevel(0);
      };
      setCheck({ kind: 'ok', device: track?.label || 'default microphone' });
    } catch (error) {
      setCheck({ kind: 'failed', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };

  // A new device or processing choice: measure that one.
  useEffect(() => {
    if (check.kind === 'ok') void start();
  }, [version]);
  useEffect(() => close, []);

  const testing = check.kind === 'ok' || check.kind === 'running';
  return (
    <div className="mic-check">
      <div className="row">
        <button type="button" className="secondary" aria-pressed={testing} onClick={() => {
          if (testing) {
            close();
            setCheck({ kind: 'idle' });
          } else void start();
        }}>
          {testing ? 'Stop microphone test' : 'Test microphone'}
        </button>
        <meter className="level" min={0} max={1} low={0.05} high={0.8} optimum={0.3} value={level} aria-label="Microphone level" />
      </div>
      <p className="mic-result" role="status" aria-label="Microphone check">
        {check.kind === 'running' && 'Opening the microphone…'}
        {check.kind === 'ok' && `Microphone works: ${check.device}. Speak: the bar moves with your voice.`}
        {check.kind === 'failed' && `Microphone unavailable (${check.reason})`}
      </p>
    </div>
  );
}
