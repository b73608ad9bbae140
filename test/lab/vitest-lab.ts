// Vitest glue: one lab per test file, started before its tests and stopped
// after them. When any test of the file failed, the lab's directory (every
// process's log, the SIP capture, SIPp traces) is kept and its path printed.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startLab, type Lab, type LabOptions } from './lab.js';

export function useLab(options: LabOptions): () => Lab {
  let lab: Lab | undefined;
  let failed = false;
  beforeAll(async () => {
    lab = await startLab(options);
  });
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });
  afterAll(async () => {
    const kept = await lab?.stop({ keepArtifacts: failed });
    if (kept) console.warn(`lab ${options.name}: a test failed; logs and SIP capture kept in ${kept}`);
  });
  return () => {
    if (!lab) throw new Error('lab: not started (did beforeAll fail?)');
    return lab;
  };
}
