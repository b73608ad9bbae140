// Validation of the account form as the user types, with the contract's own schemas (the
// host checks the same rules again on save).
import {
  authUserSchema, displayNameSchema, iceServerUrlSchema, serverUrlSchema, sipDomainSchema, sipUserSchema, tlsOptionsSchema,
} from '../../main/contract/accounts.js';
import type { z } from 'zod';

export interface AccountDraft {
  label: string;
  serverUrl: string;
  user: string;
  authUser: string;
  domain: string;
  displayName: string;
  caFile: string;
  acceptInvalidCertificate: boolean;
  /** One STUN/TURN URL per line. */
  iceServers: string;
}

export const EMPTY_ACCOUNT_DRAFT: AccountDraft = {
  label: '', serverUrl: '', user: '', authUser: '', domain: '', displayName: '', caFile: '', acceptInvalidCertificate: false, iceServers: '',
};

export type DraftErrors = Partial<Record<keyof AccountDraft, string>>;

function firstIssue(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

export function iceServerLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
}

/** Messages per field ("must be a wss:// URL …"); an untouched empty required field is not yet an error. */
export function validateAccountDraft(draft: AccountDraft): DraftErrors {
  const errors: DraftErrors = {};
  const set = (field: keyof AccountDraft, message: string | undefined) => {
    if (message !== undefined) errors[field] = message;
  };
  set('serverUrl', firstIssue(serverUrlSchema, draft.serverUrl));
  set('user', firstIssue(sipUserSchema, draft.user));
  set('authUser', firstIssue(authUserSchema, draft.authUser));
  set('domain', firstIssue(sipDomainSchema, draft.domain));
  set('displayName', firstIssue(displayNameSchema, draft.displayName));
  set('label', firstIssue(displayNameSchema, draft.label));
  set('caFile', firstIssue(tlsOptionsSchema.shape.caFile, draft.caFile));
  const lines = iceServerLines(draft.iceServers);
  const badIce = lines.map((line) => firstIssue(iceServerUrlSchema, line)).find((m) => m !== undefined);
  if (lines.length > 8) set('iceServers', 'takes at most 8 servers');
  else set('iceServers', badIce === undefined ? undefined : `each line ${badIce}`);
  return errors;
}
