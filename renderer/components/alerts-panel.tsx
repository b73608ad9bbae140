// Incoming-call alerts beyond the ringtone: a system notification while Callscope is in
// the background (the browser's or Electron's Notification), with the user's permission.
import { useEffect, useState } from 'react';
import type { CallView } from '../../main/contract/app-api.js';

type Permission = NotificationPermission | 'unsupported';

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Shows a notification for a call ringing in while the page is hidden; closes it when it stops ringing. */
export function useIncomingNotification(ringing: CallView | undefined): void {
  useEffect(() => {
    if (ringing === undefined || currentPermission() !== 'granted' || !document.hidden) return;
    const notification = new Notification('Incoming call', {
      body: ringing.peer.display || ringing.peer.uri, tag: `call-${ringing.id}`, requireInteraction: true,
    });
    notification.addEventListener('click', () => {
      window.focus();
      notification.close();
    });
    return () => notification.close();
  }, [ringing?.id]);
}

export function AlertsPanel() {
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const ask = async (): Promise<void> => {
    if (typeof Notification === 'undefined') return;
    setPermission(await Notification.requestPermission());
  };
  return (
    <section className="panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Incoming call alerts</h2>
      <p className="note">Calls ring on the ringer device chosen above. While Callscope is in the background, a system notification can also show who is calling.</p>
      <div className="row wrap alerts-row" role="status" aria-label="Notifications">
        {permission === 'granted' && <span>Notifications are on.</span>}
        {permission === 'denied' && <span>Notifications are blocked for Callscope; allow them in the browser's or the system's settings.</span>}
        {permission === 'unsupported' && <span>This window cannot show system notifications.</span>}
        {permission === 'default' && <button type="button" className="secondary" onClick={() => void ask()}>Allow notifications for incoming calls</button>}
      </div>
    </section>
  );
}
