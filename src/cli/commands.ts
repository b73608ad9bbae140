import type { CliCommand } from './command.js';

/** A sub-command as `callscope --help` lists it; its code is loaded only when it runs. */
export interface CommandEntry {
  readonly name: string;
  /** One line for `callscope --help`. */
  readonly summary: string;
  readonly load: () => Promise<CliCommand>;
}

/**
 * Every sub-command of `callscope`, in the order `--help` lists them. Each is
 * imported on demand, so `--version`, `--help` and `parse` never load the SIP
 * stack, and `call` loads no analysis code.
 */
export const commands: readonly CommandEntry[] = [
  {
    name: 'parse',
    summary: 'parse a SIP message and print it as JSON (or, with --as-uas, the response a UAS would send)',
    load: async () => (await import('./parse-command.js')).parseCommand,
  },
  {
    name: 'call',
    summary: 'place a call (PRACK, early media), or --count N at --rate R, and report every transaction',
    load: async () => (await import('./call-command.js')).callCommand,
  },
  {
    name: 'listen',
    summary: 'take incoming calls (ring, early media, answer or reject) and report every transaction',
    load: async () => (await import('./listen-command.js')).listenCommand,
  },
  {
    name: 'analyze',
    summary: 'read a SIP trace (pcap, pcapng, text dumps) and explain every call: transactions and findings',
    load: async () => (await import('./analyze-command.js')).analyzeCommand,
  },
  {
    name: 'testline',
    summary: 'run the built-in test line (echo, busy, fault numbers...) for any SIP-over-WebSocket client',
    load: async () => (await import('./testline-command.js')).testlineCommand,
  },
];
