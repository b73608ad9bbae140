// A finished call as a history entry: keyed on what the user dialled or was called by,
// with the outcome a history list groups by (answered, missed, rejected, failed, cancelled).
import type { CallView } from '../../contract/calls.js';
import type { HistoryEntry } from '../../contract/history.js';

export function historyEntryOf(view: CallView): Omit<HistoryEntry, 'id'> {
  const endedAt = view.endedAt ?? Date.now();
  const cause = view.end?.cause ?? 'hangup-local';
  const answered = view.answeredAt !== undefined;
  return {
    direction: view.direction,
    accountId: view.accountId,
    peerDisplay: view.dialled ?? view.peer.display,
    peerUri: view.peer.uri,
    startedAt: view.startedAt,
    ...(view.answeredAt === undefined ? {} : { answeredAt: view.answeredAt }),
    endedAt,
    durationS: view.answeredAt === undefined ? 0 : Math.max(0, Math.round((endedAt - view.answeredAt) / 1000)),
    outcome: answered ? 'answered'
      : cause === 'missed' || cause === 'no-answer' || (view.direction === 'incoming' && cause === 'window-closed') ? (view.direction === 'incoming' ? 'missed' : 'failed')
        : cause === 'cancelled' ? 'cancelled'
          : cause === 'busy' || cause === 'declined' || cause === 'rejected' ? 'rejected' : 'failed',
    cause,
    words: view.end?.words ?? 'Ended',
    diagnosticsKey: `recent:${view.id}`,
  };
}
