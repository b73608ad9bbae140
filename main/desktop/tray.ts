// The tray icon, kept in step with the accounts, the missed calls and the options. The
// Electron side (Tray, Menu, nativeImage) is behind TrayFacade; this class only decides
// what changed and passes it on, so repeated status events do not rebuild the menu.
import { trayView } from './tray-state.js';
import type { TrayAction, TrayIcon, TrayInput, TrayMenuItem } from './tray-state.js';

export interface TrayFacade {
  setIcon(icon: TrayIcon): void;
  setToolTip(text: string): void;
  setMenu(items: readonly TrayMenuItem[], onAction: (action: TrayAction) => void): void;
  /** Left click (Windows, macOS; many Linux trays only open the menu). */
  onClick(listener: () => void): void;
  destroy(): void;
}

export class TrayController {
  #icon: TrayIcon | undefined;
  #tooltip: string | undefined;
  #menu: string | undefined;

  constructor(private readonly tray: TrayFacade, private readonly onAction: (action: TrayAction) => void) {
    tray.onClick(() => onAction('show-window'));
  }

  update(input: TrayInput): void {
    const view = trayView(input);
    if (view.icon !== this.#icon) {
      this.#icon = view.icon;
      this.tray.setIcon(view.icon);
    }
    if (view.tooltip !== this.#tooltip) {
      this.#tooltip = view.tooltip;
      this.tray.setToolTip(view.tooltip);
    }
    const menu = JSON.stringify(view.menu);
    if (menu !== this.#menu) {
      this.#menu = menu;
      this.tray.setMenu(view.menu, this.onAction);
    }
  }

  destroy(): void {
    this.tray.destroy();
  }
}
