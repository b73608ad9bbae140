// Playwright glue: a `lab` fixture that starts the SIP lab for one test and
// stops it after. When the test failed, the lab's directory (every process's
// log, the SIP capture, SIPp traces) is kept and attached to the test's report.
import { test as base } from '@playwright/test';
import { startLab, type Lab, type LabOptions } from './lab.js';

export function labTest(options: LabOptions) {
  return base.extend<{ lab: Lab }>({
    // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    lab: async ({}, use, testInfo) => {
      const lab = await startLab(options);
      try {
        await use(lab);
      } finally {
        const failed = testInfo.status !== testInfo.expectedStatus;
        const kept = await lab.stop({ keepArtifacts: failed });
        if (kept) await testInfo.attach('lab files', { body: `logs and SIP capture kept in ${kept}`, contentType: 'text/plain' });
      }
    },
  });
}
