// Settings: the built-in test line — whether it runs, and a switch. It starts by itself on a
// fresh install (no account saved) so the phone has something to call; it runs on this
// computer only (127.0.0.1), and its account is made per launch and never saved.
import { useId, useState } from 'react';
import type { TestLineView } from '../../main/contract/app-api.js';

export interface TestLinePanelProps {
  readonly testLine: TestLineView | undefined;
  readonly disabled: boolean;
  readonly onChange: (enabled: boolean) => Promise<void>;
}

const STATE_WORDS: Record<TestLineView['state'], string> = {
  stopped: 'Off',
  starting: 'Starting…',
  running: 'Running on this computer',
  failed: 'Could not start',
};

export function TestLinePanel({ testLine, disabled, onChange }: TestLinePanelProps) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  if (testLine === undefined) return null;
  const toggle = async (): Promise<void> => {
    setBusy(true);
    try {
      await onChange(!testLine.enabled);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Built-in test line</h2>
      <p>
        A SIP service inside Callscope to try the phone and the diagnostics without an account: call{' '}
        <span className="mono">echo</span> to hear early media and then yourself, or a fault number to see a failure explained.
        It listens on 127.0.0.1 only.
      </p>
      <p role="status" aria-label="Test line state">
        <strong>{STATE_WORDS[testLine.state]}</strong>
        {testLine.failure !== undefined && <span className="text-bad"> — {testLine.failure}</span>}
      </p>
      <div className="form-actions">
        <button type="button" className="secondary" disabled={disabled || busy} onClick={() => void toggle()}>
          {testLine.enabled ? 'Turn the test line off' : 'Turn the test line on'}
        </button>
      </div>
    </section>
  );
}
