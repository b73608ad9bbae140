// Audio devices: the microphone the calls send (echo cancellation, noise suppression and
// gain control on by default), the speaker they play on, and the ringer. A choice is
// remembered; a saved device that is gone falls back to the system default with a note,
// never an error; "default" follows the system's default.

export type DeviceRole = 'microphone' | 'speaker' | 'ringer';

export interface AudioProcessing {
  readonly echoCancellation: boolean;
  readonly noiseSuppression: boolean;
  readonly autoGainControl: boolean;
}

export interface DeviceChoice {
  /** The saved device id, or undefined for the system default. */
  readonly deviceId: string | undefined;
  readonly label: string;
  /** The saved device is missing: the default is used instead. */
  readonly fellBack: boolean;
}

export interface DeviceList {
  readonly microphones: readonly MediaDeviceInfo[];
  readonly speakers: readonly MediaDeviceInfo[];
}

const STORAGE_KEY = 'callscope.devices.v1';

interface Saved {
  microphone?: string;
  speaker?: string;
  ringer?: string;
  processing?: AudioProcessing;
}

export const DEFAULT_PROCESSING: AudioProcessing = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export class Devices {
  private saved: Saved;
  private microphone: Promise<MediaStreamTrack> | undefined;
  private readonly listeners = new Set<() => void>();
  /** Device ids seen by the last enumeration (undefined: not enumerated yet). */
  private known: { readonly inputs: ReadonlySet<string>; readonly outputs: ReadonlySet<string> } | undefined;
  /** The device the open microphone track came from (undefined: the system default). */
  private openedFrom: string | undefined;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = window.localStorage) {
    this.saved = read(storage);
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.systemChanged());
  }

  get processing(): AudioProcessing {
    return this.saved.processing ?? DEFAULT_PROCESSING;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<DeviceList> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const microphones = all.filter((d) => d.kind === 'audioinput');
    const speakers = all.filter((d) => d.kind === 'audiooutput');
    this.known = { inputs: new Set(microphones.map((d) => d.deviceId)), outputs: new Set(speakers.map((d) => d.deviceId)) };
    return { microphones, speakers };
  }

  /** The device in use for `role`, after checking that the saved one still exists. */
  async choice(role: DeviceRole): Promise<DeviceChoice> {
    const { microphones, speakers } = await this.list();
    const pool = role === 'microphone' ? microphones : speakers;
    const saved = this.saved[role];
    if (saved === undefined) return { deviceId: undefined, label: 'System default', fellBack: false };
    const device = pool.find((d) => d.deviceId === saved);
    if (device === undefined) return { deviceId: undefined, label: 'System default', fellBack: true };
    return { deviceId: device.deviceId, label: device.label || 'Chosen device', fellBack: false };
  }

  /** Remembers a choice (undefined: follow the system default) and tells the calls. */
  choose(role: DeviceRole, deviceId: string | undefined): void {
    this.saved = { ...this.saved, [role]: deviceId };
    if (deviceId === undefined) delete this.saved[role];
    this.persist();
    if (role === 'microphone') this.dropMicrophone();
    this.changed();
  }

  setProcessing(processing: AudioProcessing): void {
    this.saved = { ...this.saved, processing };
    this.persist();
    this.dropMicrophone();
    this.changed();
  }

  /** The speaker or ringer to play on (undefined: the default, also when the saved one is gone). */
  sinkFor(role: 'speaker' | 'ringer'): string | undefined {
    const saved = this.saved[role];
    if (saved !== undefined && this.known !== undefined && !this.known.outputs.has(saved)) return undefined;
    return saved;
  }

  /** The id of the chosen device for `role` as saved (undefined: the system default). */
  savedChoice(role: DeviceRole): string | undefined {
    return this.saved[role];
  }

  /** The microphone track, opened once and shared (calls send clones). */
  microphoneTrack(): Promise<MediaStreamTrack> {
    this.microphone ??= this.open().catch((error: unknown) => {
      this.microphone = undefined;
      throw error;
    });
    return this.microphone;
  }

  /** Closes the microphone (when no call needs it). */
  release(): void {
    this.dropMicrophone();
  }

  private async open(): Promise<MediaStreamTrack> {
    const choice = await this.choice('microphone');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: this.constraints(choice.deviceId), video: false });
      this.openedFrom = choice.deviceId;
    } catch (error) {
      // The chosen device went away between the check and the open: the default, never a failed call.
      if (choice.deviceId === undefined || !(error instanceof DOMException) || !['OverconstrainedError', 'NotFoundError', 'NotReadableError'].includes(error.name)) throw error;
      stream = await navigator.mediaDevices.getUserMedia({ audio: this.constraints(undefined), video: false });
      this.openedFrom = undefined;
    }
    const track = stream.getAudioTracks()[0];
    if (track === undefined) throw new Error('the microphone gave no audio track');
    return track;
  }

  private constraints(deviceId: string | undefined): MediaTrackConstraints {
    return { ...this.processing, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) };
  }

  /**
   * A device was plugged in or out. The open microphone is reopened when it follows the
   * system default (the default may have changed) or when its device is gone; the calls
   * then move to the new track (PhoneMedia listens).
   */
  private async systemChanged(): Promise<void> {
    try {
      const { microphones } = await this.list();
      const gone = this.openedFrom !== undefined && !microphones.some((d) => d.deviceId === this.openedFrom);
      const wanted = this.saved.microphone !== undefined && microphones.some((d) => d.deviceId === this.saved.microphone);
      if (this.microphone !== undefined && (this.openedFrom === undefined || gone || (wanted && this.openedFrom !== this.saved.microphone))) this.dropMicrophone();
    } catch {
      // Enumeration failed (page closing): nothing to move.
    }
    this.changed();
  }

  private dropMicrophone(): void {
    const current = this.microphone;
    this.microphone = undefined;
    void current?.then((track) => track.stop(), () => undefined);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private persist(): void {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(this.saved));
    } catch {
      // Storage full or blocked: the choice holds for this session only.
    }
  }
}

function read(storage: Pick<Storage, 'getItem'>): Saved {
  try {
    const value: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    if (typeof value !== 'object' || value === null) return {};
    const v = value as Record<string, unknown>;
    const id = (x: unknown) => (typeof x === 'string' && x.length < 512 ? x : undefined);
    const p = v['processing'] as Record<string, unknown> | undefined;
    const processing = p && typeof p === 'object'
      ? { echoCancellation: p['echoCancellation'] !== false, noiseSuppression: p['noiseSuppression'] !== false, autoGainControl: p['autoGainControl'] !== false }
      : undefined;
    const saved: Saved = {};
    const microphone = id(v['microphone']);
    const speaker = id(v['speaker']);
    const ringer = id(v['ringer']);
    if (microphone) saved.microphone = microphone;
    if (speaker) saved.speaker = speaker;
    if (ringer) saved.ringer = ringer;
    if (processing) saved.processing = processing;
    return saved;
  } catch {
    return {};
  }
}
