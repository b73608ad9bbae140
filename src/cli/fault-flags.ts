// The fault options of `callscope call` (the caller's faults) and `callscope
// listen` (the callee's), read from src/ua/faults.ts so that the help, the
// parser and the call engine name the same faults.
import { FAULTS, type CallFaults, type FaultDescription } from '../ua/call/faults.js';

export type FaultSide = 'caller' | 'callee';

function faultsOf(side: FaultSide): FaultDescription[] {
  return FAULTS.filter((f) => f.side === side || f.side === 'both');
}

/** The option names: flags without a value, and options that take one. */
export function faultOptionNames(side: FaultSide): { flags: string[]; values: string[] } {
  const faults = faultsOf(side);
  return {
    flags: faults.filter((f) => f.value === undefined).map((f) => f.flag),
    values: faults.filter((f) => f.value !== undefined).map((f) => f.flag),
  };
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The help section: each fault, the rule it breaks, and the finding it should produce. */
export function faultUsage(side: FaultSide): string {
  const lines = ['Faults (deliberate protocol violations, for testing proxies and SBCs; all off by default):'];
  for (const f of faultsOf(side)) {
    const name = `${f.flag}${f.value ? ` ${f.value}` : ''}`;
    const text = wrap(`FAULT: ${f.does} [${f.delayOnly ? 'measured by' : 'breaks'} ${f.rfc}; Callscope names ${f.shows.join(', ')}]`, 56);
    if (name.length > 22) lines.push(`  ${name}`);
    text.forEach((line, i) => lines.push(`  ${(i === 0 && name.length <= 22 ? name : '').padEnd(24)}${line}`));
  }
  return lines.join('\n');
}

type Values = ReadonlyMap<string, string | true>;

/** The faults asked for; an error is one sentence. */
export function parseFaults(values: Values, side: FaultSide): CallFaults | string {
  const out: { -readonly [K in keyof CallFaults]: CallFaults[K] } = {};
  for (const f of faultsOf(side)) {
    const raw = values.get(f.flag);
    if (raw === undefined) continue;
    switch (f.name) {
      case 'authRetries': {
        const n = Number(raw);
        if (!(typeof raw === 'string' && Number.isInteger(n) && n >= 1 && n <= 20)) return `${f.flag} needs a number of retries from 1 to 20, not '${String(raw)}'`;
        out.authRetries = n;
        break;
      }
      case 'postDialDelayMs': {
        const s = Number(raw);
        if (!(typeof raw === 'string' && Number.isFinite(s) && s >= 0 && s <= 300)) return `${f.flag} needs a number of seconds from 0 to 300, not '${String(raw)}'`;
        out.postDialDelayMs = s * 1000;
        break;
      }
      case 'privateContact': {
        if (typeof raw !== 'string' || !/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$/.test(raw)) return `${f.flag} needs a host (10.0.0.7, ua.invalid, ...), not '${String(raw)}'`;
        out.privateContact = raw;
        break;
      }
      default:
        (out as Record<string, unknown>)[f.name] = true;
    }
  }
  return out;
}
