// "Test connection": tries the account as typed (connect, register, unregister) and shows
// each step that passed with its time, or the exact step that failed and why.
import { useState } from 'react';
import type { AppApi, TestConnectionResult } from '../../main/contract/app-api.js';
import type { z } from 'zod';
import type { testConnectionRequestSchema } from '../../main/contract/accounts.js';
import { STEP_WORDS } from '../lib/account-status-text.js';

type Run = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; result: TestConnectionResult } | { kind: 'error'; message: string };

export function ConnectionTest({ api, request, disabled }: {
  readonly api: AppApi;
  readonly request: () => z.input<typeof testConnectionRequestSchema>;
  readonly disabled: boolean;
}) {
  const [run, setRun] = useState<Run>({ kind: 'idle' });

  const test = async (): Promise<void> => {
    setRun({ kind: 'running' });
    const result = await api.testConnection(request());
    setRun(result.ok ? { kind: 'done', result: result.value } : { kind: 'error', message: result.error.message.replace(/^testConnection: /, '') });
  };

  return (
    <div className="connection-test">
      <button type="button" className="secondary" disabled={disabled || run.kind === 'running'} onClick={() => void test()}>
        {run.kind === 'running' ? 'Testing…' : 'Test connection'}
      </button>
      <div role="status" aria-label="Connection test" className="connection-test-result">
        {run.kind === 'running' && <p className="muted">Connecting and registering…</p>}
        {run.kind === 'error' && <p className="text-bad">Cannot test: {run.message}</p>}
        {run.kind === 'done' && (
          <ol className="steps">
            {run.result.steps.map((s) => <li key={s.step} className="step-ok">✓ {STEP_WORDS[s.step]} ({s.ms} ms)</li>)}
            {run.result.failure !== undefined && (
              <li className="step-failed">
                ✗ {STEP_WORDS[run.result.failure.step]} failed{run.result.failure.status !== undefined ? ` (SIP ${run.result.failure.status})` : ''}: {run.result.failure.reason}
              </li>
            )}
            {run.result.ok && <li className="step-ok">Works{run.result.expires !== undefined ? `: the registrar granted ${run.result.expires} s` : ''}.</li>}
          </ol>
        )}
      </div>
    </div>
  );
}
