// The message-layer figure: µs per message for Callscope and its peers on a realistic
// corpus, in one process, plus how many RFC 4475 §3.1.2 invalid messages each rejects.

import { CORPUS } from './corpus.js';
import { PEERS, rejects } from './peers.js';
import { measureAll, warmUp } from './timing.js';
import * as invalid from '../test/unit/message/rfc4475-invalid.js';

const INVALID_NAMES = [
  'badinv01', 'clerr', 'ncl', 'scalar02', 'scalarlg', 'quotbal', 'ltgtruri', 'lwsruri', 'lwsstart', 'trws',
  'escruri', 'baddate', 'regbadct', 'badaspec', 'baddn', 'badvers', 'mismatch01', 'mismatch02', 'bigcode',
] as const;

export interface MessageBenchResult {
  /** µs per message, by corpus entry then peer name. */
  readonly us: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** RFC 4475 §3.1.2 messages rejected (of 19), by peer name. */
  readonly rejected: Readonly<Record<string, number>>;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function runMessageBench(log: (line: string) => void, budgetMs = 400): MessageBenchResult {
  const names = PEERS.map((p) => p.name);
  const us: Record<string, Record<string, number>> = {};
  log('SIP message parsing — µs per message doing the UA work (top Via branch, From/To tags,');
  log('Call-ID, CSeq number and method, Contact URI). Same process; CPU time; parsers timed in');
  log('interleaved rounds, median round reported. Every parser is first warmed with the same');
  log('rule over the whole corpus until it stops getting faster.');
  // Warm each parser over the whole corpus in turn, with one rule for all (see warmUp).
  const warm = warmUp(PEERS.map((peer) => {
    let n = 0;
    return () => peer.work(CORPUS[n++ % CORPUS.length]!.text);
  }));
  log(`warm-up calls: ${PEERS.map((p, n) => `${p.name} ${warm.calls[n]}`).join(', ')}`);
  log('');
  log(`${pad('message', 16)}${pad('bytes', 7)}${names.map((n) => pad(n, 11)).join('')}${names.slice(1).map((n) => pad(`${n}/cs`, 11)).join('')}`);
  for (const entry of CORPUS) {
    const row: Record<string, number> = {};
    for (const peer of PEERS) {
      if (peer.work(entry.text) === undefined) throw new Error(`${peer.name} rejected the ${entry.name} corpus message`);
    }
    const times = measureAll(PEERS.map((peer) => () => peer.work(entry.text)), budgetMs * PEERS.length);
    PEERS.forEach((peer, n) => (row[peer.name] = times[n]!));
    us[entry.name] = row;
    const cs = row.callscope!;
    log(`${pad(entry.name, 16)}${pad(String(new TextEncoder().encode(entry.text).length), 7)}${names.map((n) => pad(row[n]!.toFixed(2), 11)).join('')}${names.slice(1).map((n) => pad(`${(row[n]! / cs).toFixed(1)}×`, 11)).join('')}`);
  }
  // mixed traffic: each parser parses the corpus messages in turn (µs per message, averaged)
  const mix = measureAll(PEERS.map((peer) => {
    let n = 0;
    return () => peer.work(CORPUS[n++ % CORPUS.length]!.text);
  }), budgetMs * PEERS.length);
  const mixRow: Record<string, number> = {};
  PEERS.forEach((peer, n) => (mixRow[peer.name] = mix[n]!));
  us['corpus mix'] = mixRow;
  const avgBytes = Math.round(CORPUS.reduce((a, e) => a + new TextEncoder().encode(e.text).length, 0) / CORPUS.length);
  log(`${pad('corpus mix', 16)}${pad(String(avgBytes), 7)}${names.map((n) => pad(mixRow[n]!.toFixed(2), 11)).join('')}${names.slice(1).map((n) => pad(`${(mixRow[n]! / mixRow.callscope!).toFixed(1)}×`, 11)).join('')}`);
  const rejected: Record<string, number> = {};
  for (const peer of PEERS) {
    rejected[peer.name] = INVALID_NAMES.filter((name) => rejects(peer, new TextDecoder().decode(invalid[name]))).length;
  }
  log('');
  log(`RFC 4475 §3.1.2 invalid messages rejected (of 19): ${names.map((n) => `${n} ${rejected[n]}`).join(', ')}`);
  return { us, rejected };
}
