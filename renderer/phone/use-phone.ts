// The page's phone objects, made once per page: devices, the media owner, the tones and
// the store, with hooks to read them.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AppApi } from '../../main/contract/app-api.js';
import { Devices } from '../media/devices.js';
import { PhoneMedia } from '../media/phone-media.js';
import { Tones } from '../media/tones.js';
import { PhoneStore, type PhoneSnapshot } from './phone-store.js';

export interface Phone {
  readonly devices: Devices;
  readonly media: PhoneMedia;
  readonly tones: Tones;
  readonly store: PhoneStore;
}

const phones = new WeakMap<AppApi, Phone>();

/** One phone per app API (StrictMode renders twice; the page keeps one media owner). */
export function phoneFor(api: AppApi): Phone {
  let phone = phones.get(api);
  if (phone === undefined) {
    const audioHost = document.createElement('div');
    audioHost.className = 'audio-host';
    audioHost.setAttribute('aria-hidden', 'true');
    document.body.append(audioHost);
    const devices = new Devices();
    const media = new PhoneMedia({ api, devices, audioHost });
    const tones = new Tones((tone) => devices.sinkFor(tone === 'ringtone' ? 'ringer' : 'speaker'), audioHost);
    phone = { devices, media, tones, store: new PhoneStore(api, media, tones) };
    phones.set(api, phone);
  }
  return phone;
}

export function usePhoneSnapshot(store: PhoneStore): PhoneSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The clock, ticking every `everyMs` while `active` (call timers, retry countdowns). */
export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}
