// The built-in test line in the app API: whether it runs, its account (built in, on
// loopback, never saved with the user's accounts, its password made per launch and never
// shown), and its directory of numbers for the UI to offer ("Try: echo, busy, ...").
// Its registration status comes like any account's (getStatus, `account-status` events,
// under TEST_LINE_ACCOUNT_ID); its calls are dialled and shown like any other.
import { z } from 'zod';
import type { AccountView } from './accounts.js';
import type { FindingCode } from '../../src/trace/finding-codes.js';

/** The built-in account's id (saved accounts have UUIDs, so it never collides). */
export const TEST_LINE_ACCOUNT_ID = 'test-line';

export const setTestLineRequestSchema = z.strictObject({
  /** Start it (and its account) now, or stop both. It starts by itself at launch when no account is saved. */
  enabled: z.boolean(),
});

/** The caller's media verdict a number should produce (the media engine's verdict codes). */
export type TestLineMediaVerdict =
  | 'two-way-audio' | 'one-way-audio' | 'no-media' | 'silence-received' | 'ice-failed' | 'dtls-failed' | 'early-media-without-rtp';

export interface TestLineNumberView {
  /** What to dial, e.g. `echo`. */
  readonly number: string;
  readonly title: string;
  /** `service`: a call that works; `fault`: a classic failure reproduced on purpose. */
  readonly kind: 'service' | 'fault';
  readonly does: string;
  /** Where to look in the diagnostics panel, and what should be there. */
  readonly lookFor: string;
  /** The one finding the panel must show for this call (none for the service numbers). */
  readonly finding?: FindingCode;
  /** The media verdict on the phone's side (media findings do not exist yet; this is what they will judge). */
  readonly media?: { readonly verdict: TestLineMediaVerdict; readonly flowing?: 'outbound-only' | 'inbound-only' };
  /** Roughly how long the call takes on its own, seconds. */
  readonly takesSeconds?: number;
}

export interface TestLineView {
  readonly enabled: boolean;
  /** `running`: listening, its account registers; `failed`: it could not start (`failure` says why). */
  readonly state: 'stopped' | 'starting' | 'running' | 'failed';
  readonly failure?: string;
  readonly accountId: typeof TEST_LINE_ACCOUNT_ID;
  /** Its account while it runs (builtIn: true); its status is in getStatus like any account's. */
  readonly account?: AccountView;
  readonly numbers: readonly TestLineNumberView[];
}
