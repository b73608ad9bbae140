// The lab's ports are claimed machine-wide with a lock file naming the claiming process, so
// two test workers starting labs at once never take the same (not yet bound) port; a claim
// whose process is gone is taken over.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPort, unclaimPort } from '../../lab/ports.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function claims(): string {
  const dir = mkdtempSync(join(tmpdir(), 'callscope-claims-'));
  dirs.push(dir);
  return dir;
}

describe('lab port claims', () => {
  it('a port is claimed once; released, it can be claimed again', () => {
    const dir = claims();
    expect(claimPort(20500, dir)).toBe(true);
    expect(readFileSync(join(dir, '20500'), 'utf8')).toBe(String(process.pid));
    expect(claimPort(20500, dir)).toBe(false);
    unclaimPort(20500, dir);
    expect(existsSync(join(dir, '20500'))).toBe(false);
    expect(claimPort(20500, dir)).toBe(true);
  });

  it('a claim held by another live process is respected; one whose process is gone is taken over', () => {
    const dir = claims();
    // Process 1 (init) is alive on any Linux machine.
    writeFileSync(join(dir, '20501'), '1');
    expect(claimPort(20501, dir)).toBe(false);
    unclaimPort(20501, dir);
    expect(readFileSync(join(dir, '20501'), 'utf8')).toBe('1');
    // No process has this pid (above the kernel's pid_max default of 4194304).
    writeFileSync(join(dir, '20502'), '9999999');
    expect(claimPort(20502, dir)).toBe(true);
    expect(readFileSync(join(dir, '20502'), 'utf8')).toBe(String(process.pid));
  });
});
