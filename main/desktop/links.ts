// Where an opened link goes: to the host's `dialRequest` once the window's page is up,
// and held until then. Links arrive early (macOS sends `open-url` before the app is
// ready; on Linux and Windows the first launch's URL is in argv before any window
// exists), and a page that is still loading would never hear of them; that is how a link
// used to open the app without dialling.
import { LINK_SCHEMES, parseLinkTarget } from './link-target.js';
import type { LinkScheme, LinkTarget } from './link-target.js';

export interface LinkDispatcherOptions {
  /** Hands the text to the pages (`host.dialRequest`). */
  readonly deliver: (target: string, dial: boolean) => void;
  /** Brings the window up (creating it if needed), so the user sees the number. */
  readonly showWindow: () => void;
  /** Dial at once (the desktop option), or only fill the dial field. Read for each link. */
  readonly dialAtOnce: () => boolean;
  readonly log: (message: string) => void;
}

export class LinkDispatcher {
  #pageUp = false;
  /** Only the latest link waits: older clicks are stale by the time the page is up. */
  #pending: LinkTarget | undefined;

  constructor(private readonly options: LinkDispatcherOptions) {}

  /** A link from argv or `open-url`. Returns whether it was one we take. */
  open(url: unknown): boolean {
    const parsed = parseLinkTarget(url);
    if (!parsed.ok) {
      this.options.log(`callscope: ignored a link: ${parsed.reason}`);
      return false;
    }
    this.#pending = parsed.link;
    this.options.showWindow();
    this.#flush();
    return true;
  }

  /** The window's page is up and talking to the host (its first app API call). */
  pageUp(): void {
    this.#pageUp = true;
    this.#flush();
  }

  /** The page went away (reload, window closed): links wait for the next one. */
  pageGone(): void {
    this.#pageUp = false;
  }

  get pending(): LinkTarget | undefined {
    return this.#pending;
  }

  #flush(): void {
    const link = this.#pending;
    if (!this.#pageUp || link === undefined) return;
    this.#pending = undefined;
    this.options.deliver(link.target, this.options.dialAtOnce());
  }
}

export interface ProtocolClientRegistration {
  readonly scheme: LinkScheme;
  /** The executable and the arguments before the URL (used by Windows; ignored elsewhere). */
  readonly path: string;
  readonly args: readonly string[];
}

/**
 * The `app.setAsDefaultProtocolClient` calls of a packaged build (none in development,
 * where the executable is Electron itself). On Windows the URL comes after "--", so that
 * Chromium can never read a crafted URL as one of its switches.
 */
export function protocolClientRegistrations(platform: string, isPackaged: boolean, execPath: string): readonly ProtocolClientRegistration[] {
  if (!isPackaged) return [];
  return LINK_SCHEMES.map((scheme) => ({ scheme, path: execPath, args: platform === 'win32' ? ['--'] : [] }));
}
