import { defineConfig } from 'vitest/config';

// Two projects: `unit` (fast, in-memory, fake clocks) and `lab` (real Kamailio,
// rtpengine and SIPp on loopback, brought up by the tests themselves).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Unit tests first, then the lab (groups run one after the other).
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.lab.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Lab files each start their own processes; two at once fit two cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
