// The desktop app's own options, which mean nothing in browser mode: start in the tray,
// keep running in the tray when the window is closed, dial opened links at once. Kept in
// desktop-settings.json in the data directory, changed from the tray menu. A missing or
// unreadable file gives the defaults; writes go through a temporary file and a rename.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const DESKTOP_SETTINGS_FILE = 'desktop-settings.json';

const desktopSettingsSchema = z.object({
  /** Start with the window hidden in the tray. */
  startInTray: z.boolean().catch(false),
  /** Closing the window while registered hides it to the tray, so calls still come in. */
  closeToTray: z.boolean().catch(true),
  /** A sip:/tel: link dials at once instead of filling the dial field. Off: a web page could otherwise place calls. */
  dialLinksAtOnce: z.boolean().catch(false),
});

export type DesktopSettings = z.output<typeof desktopSettingsSchema>;

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { startInTray: false, closeToTray: true, dialLinksAtOnce: false };

/** Whatever was in the file: known fields of the right type are kept, the rest takes the defaults. */
export function parseDesktopSettings(value: unknown): DesktopSettings {
  const parsed = desktopSettingsSchema.safeParse(typeof value === 'object' && value !== null ? value : {});
  return parsed.success ? parsed.data : { ...DEFAULT_DESKTOP_SETTINGS };
}

export class DesktopSettingsFile {
  readonly #file: string;
  #current: DesktopSettings = { ...DEFAULT_DESKTOP_SETTINGS };
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly dataDir: string, private readonly log: (message: string) => void) {
    this.#file = join(dataDir, DESKTOP_SETTINGS_FILE);
  }

  get current(): DesktopSettings {
    return this.#current;
  }

  async load(): Promise<DesktopSettings> {
    let text: string | undefined;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`callscope: desktop settings unreadable, using the defaults: ${String(error)}`);
    }
    let value: unknown;
    try {
      value = text === undefined ? {} : JSON.parse(text);
    } catch {
      this.log('callscope: desktop settings are not JSON, using the defaults');
    }
    this.#current = parseDesktopSettings(value);
    return this.#current;
  }

  /** Change some options; saved in the background, in order. */
  update(change: Partial<DesktopSettings>): DesktopSettings {
    this.#current = parseDesktopSettings({ ...this.#current, ...change });
    const snapshot = JSON.stringify(this.#current, null, 2);
    this.#writing = this.#writing.then(() => this.#write(snapshot)).catch((error: unknown) => {
      this.log(`callscope: desktop settings not saved: ${String(error)}`);
    });
    return this.#current;
  }

  /** Resolves once every update so far is on disk (or failed and was logged). */
  flushed(): Promise<void> {
    return this.#writing;
  }

  async #write(text: string): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temporary, `${text}\n`, { mode: 0o600 });
    await rename(temporary, this.#file);
  }
}
