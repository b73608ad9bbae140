// Sending one request within a dialog (RFC 3261 §12.2.1.1) in its own
// client transaction: built by the dialog (route set, remote target, next
// local CSeq), tagged with the call, and retried once with credentials when
// a proxy challenges it (§22.2: the retry is a new request with a new CSeq).
// BYE and PRACK use it now; re-INVITE, UPDATE, INFO and REFER can too.
import type { Dialog, InDialogRequestOptions } from '../../dialog/dialog.js';
import type { SipRequest, SipResponse } from '../../message/index.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { SipEndpoint } from './endpoint.js';

export type InDialogOutcome =
  /** The final response (after at most one authentication retry). */
  | { readonly kind: 'response'; readonly request: SipRequest; readonly response: SipResponse }
  /** Timer F: no final response (§8.1.3.1: treat as 408). */
  | { readonly kind: 'timeout'; readonly request: SipRequest }
  /** The request could not be sent (§8.1.3.1: treat as 503). */
  | { readonly kind: 'transport-error'; readonly request: SipRequest; readonly reason: string }
  /** The dialog could not build it (a bug, or a peer's value we cannot echo). */
  | { readonly kind: 'unbuildable'; readonly reason: string };

export interface InDialogSender {
  readonly endpoint: SipEndpoint;
  readonly dialog: Dialog;
  readonly callTag: string;
  readonly authenticator?: Authenticator;
}

export interface SendInDialogOptions extends Omit<InDialogRequestOptions, 'via'> {
  /** Provisional responses, as they arrive. */
  readonly onProvisional?: (response: SipResponse) => void;
  /** The request as it goes out (each attempt). */
  readonly onSent?: (request: SipRequest) => void;
  /**
   * Every 2xx, retransmissions included (an INVITE's arrive while its
   * transaction is Accepted): called before the outcome resolves on the
   * first, so a re-INVITE can refresh the target and ACK each one (§13.2.2.4).
   */
  readonly on2xx?: (request: SipRequest, response: SipResponse) => void;
}

/** Sends `method` in `sender.dialog`; resolves with its outcome, never rejects. */
export function sendInDialog(sender: InDialogSender, method: string, options: SendInDialogOptions = {}): Promise<InDialogOutcome> {
  const { onProvisional, onSent, on2xx, ...requestOptions } = options;
  const attempt = (credentials: readonly { name: string; value: string }[], retried: boolean): Promise<InDialogOutcome> =>
    new Promise((resolve) => {
      const built = sender.dialog.createRequest(method, {
        ...requestOptions,
        via: sender.endpoint.via(),
        headers: [...(requestOptions.headers ?? []), ...credentials],
      });
      if (!built.ok) {
        resolve({ kind: 'unbuildable', reason: `cannot build ${method}: ${built.error.message}` });
        return;
      }
      const request = built.value;
      onSent?.(request);
      sender.endpoint.send(request, {
        onResponse: (response) => {
          if (response.status < 200) {
            onProvisional?.(response);
            return;
          }
          if (response.status < 300) on2xx?.(request, response);
          // §22.2 / §22.3: answer a challenge once; the Authenticator refuses loops.
          if ((response.status === 401 || response.status === 407) && sender.authenticator && !retried) {
            const answer = sender.authenticator.answer(request, response);
            if (answer.ok) {
              resolve(attempt(answer.headers, true));
              return;
            }
          }
          resolve({ kind: 'response', request, response });
        },
        onTimeout: () => resolve({ kind: 'timeout', request }),
        onTransportError: (error) => resolve({ kind: 'transport-error', request, reason: error.message }),
      }, { callTag: sender.callTag });
    });
  return attempt([], false);
}

/** A line for a report: "200 OK", "timeout", ... */
export function describeOutcome(outcome: InDialogOutcome): string {
  switch (outcome.kind) {
    case 'response': return `${outcome.response.status} ${outcome.response.reason}`;
    case 'timeout': return 'no response (timeout)';
    case 'transport-error': return `not sent: ${outcome.reason}`;
    case 'unbuildable': return outcome.reason;
  }
}
