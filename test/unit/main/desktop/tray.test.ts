// The tray controller passes on only what changed, and turns clicks into actions.
import { describe, expect, it } from 'vitest';
import { DEFAULT_DESKTOP_SETTINGS } from '../../../../main/desktop/desktop-settings.js';
import { TrayController } from '../../../../main/desktop/tray.js';
import type { TrayFacade } from '../../../../main/desktop/tray.js';
import type { TrayAction, TrayMenuItem } from '../../../../main/desktop/tray-state.js';

function fakeTray() {
  const calls: string[] = [];
  let click: (() => void) | undefined;
  let menu: { items: readonly TrayMenuItem[]; onAction: (action: TrayAction) => void } | undefined;
  const tray: TrayFacade = {
    setIcon: (icon) => calls.push(`icon ${icon}`),
    setToolTip: (text) => calls.push(`tooltip ${text}`),
    setMenu: (items, onAction) => {
      calls.push('menu');
      menu = { items, onAction };
    },
    onClick: (listener) => void (click = listener),
    destroy: () => calls.push('destroy'),
  };
  return { tray, calls, click: () => click?.(), menu: () => menu };
}

const base = { statuses: [], labels: new Map<string, string>(), missed: 0, settings: DEFAULT_DESKTOP_SETTINGS };

describe('TrayController', () => {
  it('applies the first view whole, then only the changes', () => {
    const fake = fakeTray();
    const controller = new TrayController(fake.tray, () => undefined);
    controller.update(base);
    expect(fake.calls).toEqual(['icon offline', 'tooltip Callscope — no accounts', 'menu']);
    fake.calls.length = 0;
    controller.update(base);
    expect(fake.calls).toEqual([]);
    controller.update({ ...base, missed: 1 });
    expect(fake.calls).toEqual(['tooltip Callscope — no accounts — 1 missed call', 'menu']);
    fake.calls.length = 0;
    controller.update({ ...base, missed: 1, statuses: [{ accountId: 'a', state: 'registered', aor: 'sip:a@x', insecureTls: false }] });
    expect(fake.calls).toEqual(['icon registered', 'tooltip Callscope — registered — 1 missed call', 'menu']);
    controller.destroy();
    expect(fake.calls.at(-1)).toBe('destroy');
  });

  it('turns a click and the menu\'s items into actions', () => {
    const fake = fakeTray();
    const actions: TrayAction[] = [];
    const controller = new TrayController(fake.tray, (action) => actions.push(action));
    controller.update(base);
    fake.click();
    const menu = fake.menu();
    for (const item of menu?.items ?? []) if (item.kind === 'action' || item.kind === 'checkbox') menu?.onAction(item.action);
    expect(actions).toEqual(['show-window', 'show-window', { toggle: 'startInTray' }, { toggle: 'closeToTray' }, { toggle: 'dialLinksAtOnce' }, 'quit']);
  });
});
