// The phone's local tones: the ringtone for an incoming call, on the ringer device, and the
// ringback while an outgoing call rings without early media (a 180 without SDP), on the
// speaker. Never both ringback and early media: the host's call view says which.
import ringbackUrl from '../../assets/ringback.wav';
import ringtoneUrl from '../../assets/ringtone.wav';

type Tone = 'ringtone' | 'ringback';

export type { Tone };

export class Tones {
  private readonly players = new Map<Tone, HTMLAudioElement>();
  private readonly playing = new Set<Tone>();

  /** `host`: where the players live in the document (so what is playing can be seen and tested). */
  constructor(private readonly sinkFor: (tone: Tone) => string | undefined, private readonly host?: HTMLElement) {}

  /** Plays `tone` while `on`; idempotent. */
  set(tone: Tone, on: boolean): void {
    if (on === this.playing.has(tone)) return;
    if (on) {
      this.playing.add(tone);
      const player = this.player(tone);
      player.currentTime = 0;
      const sink = this.sinkFor(tone);
      const start = () => void player.play().catch(() => undefined);
      if (sink !== undefined && 'setSinkId' in player) void player.setSinkId(sink).then(start, start);
      else start();
    } else {
      this.playing.delete(tone);
      this.players.get(tone)?.pause();
    }
  }

  isPlaying(tone: Tone): boolean {
    return this.playing.has(tone);
  }

  stopAll(): void {
    for (const tone of [...this.playing]) this.set(tone, false);
  }

  private player(tone: Tone): HTMLAudioElement {
    let player = this.players.get(tone);
    if (player === undefined) {
      player = new Audio(tone === 'ringtone' ? ringtoneUrl : ringbackUrl);
      player.loop = true;
      player.dataset['tone'] = tone;
      this.host?.append(player);
      this.players.set(tone, player);
    }
    return player;
  }
}
