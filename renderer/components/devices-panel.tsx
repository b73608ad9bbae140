// Audio devices: microphone, speaker and ringer (each follows the system default unless
// chosen; a saved device that is gone falls back with a note), echo cancellation, noise
// suppression and gain control, and a microphone level meter. Changes apply to calls in
// progress (replaceTrack / setSinkId), without renegotiation.
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import type { AudioProcessing, DeviceChoice, DeviceList, DeviceRole, Devices } from '../media/devices.js';
import { MicrophoneLevel } from './microphone-level.js';

const ROLES: readonly { readonly role: DeviceRole; readonly label: string }[] = [
  { role: 'microphone', label: 'Microphone' },
  { role: 'speaker', label: 'Speaker' },
  { role: 'ringer', label: 'Ringer (incoming calls)' },
];

const PROCESSING: readonly { readonly key: keyof AudioProcessing; readonly label: string }[] = [
  { key: 'echoCancellation', label: 'Echo cancellation' },
  { key: 'noiseSuppression', label: 'Noise suppression' },
  { key: 'autoGainControl', label: 'Automatic gain control' },
];

function useDevicesVersion(devices: Devices): number {
  const [version, setVersion] = useState(0);
  useEffect(() => devices.onChange(() => setVersion((v) => v + 1)), [devices]);
  return version;
}

export function DevicesPanel({ devices, deviceError }: { readonly devices: Devices; readonly deviceError?: string | undefined }) {
  const id = useId();
  const version = useDevicesVersion(devices);
  const [list, setList] = useState<DeviceList>({ microphones: [], speakers: [] });
  const [choices, setChoices] = useState<Partial<Record<DeviceRole, DeviceChoice>>>({});
  const processing = useSyncExternalStore((f) => devices.onChange(f), () => devices.processing);

  useEffect(() => {
    let current = true;
    void (async () => {
      try {
        const next = await devices.list();
        const entries = await Promise.all(ROLES.map(async ({ role }) => [role, await devices.choice(role)] as const));
        if (!current) return;
        setList(next);
        setChoices(Object.fromEntries(entries));
      } catch {
        // No media devices here (an insecure page): the selects stay on the default.
      }
    })();
    return () => {
      current = false;
    };
  }, [devices, version]);

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Audio devices</h2>
      <div className="device-grid">
        {ROLES.map(({ role, label }) => {
          const pool = role === 'microphone' ? list.microphones : list.speakers;
          const choice = choices[role];
          const saved = devices.savedChoice(role);
          return (
            <div key={role} className="device-row">
              <label htmlFor={`${id}-${role}`}>{label}</label>
              <select id={`${id}-${role}`} value={choice?.fellBack ? '' : saved ?? ''}
                onChange={(event) => devices.choose(role, event.target.value === '' ? undefined : event.target.value)}>
                <option value="">System default</option>
                {pool.filter((d) => d.deviceId !== 'default' && d.deviceId !== '').map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>{d.label || `${label} ${i + 1}`}</option>
                ))}
              </select>
              {choice?.fellBack === true && (
                <p className="note text-warn" role="status">The {label.toLowerCase()} you chose is not connected: using the system default until it is back.</p>
              )}
            </div>
          );
        })}
      </div>
      <fieldset className="processing">
        <legend>Voice processing</legend>
        {PROCESSING.map(({ key, label }) => (
          <label key={key} className="checkbox">
            <input type="checkbox" checked={processing[key]} onChange={(event) => devices.setProcessing({ ...processing, [key]: event.target.checked })} />
            {label}
          </label>
        ))}
      </fieldset>
      {deviceError !== undefined && <p className="banner banner-error" role="alert">Could not switch devices: {deviceError}</p>}
      <MicrophoneLevel devices={devices} version={version} />
    </section>
  );
}
