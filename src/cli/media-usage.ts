// The media options of `callscope call` and `callscope listen` as their --help shows
// them, and their names for the argument parser: apart from call-media.ts, so that a
// command whose media is off loads no media code.

export function mediaUsage(command: 'call' | 'listen'): string {
  return `Media options:
  --media KIND          none, rtp or webrtc (default: webrtc with ws:// and wss:// servers, rtp
                        otherwise); none is signalling only (the --sdp session, no audio)
  --play FILE|tone      send a WAV file (looped) or a 440 Hz tone at -15 dBov (default: tone)${command === 'listen' ? `
  --echo                send back what arrives (instead of --play)` : ''}
  --record FILE         write the audio received to FILE as 16-bit mono WAV${command === 'listen' ? ` (call N > 1: FILE-N.wav)` : ''}
  --expect-audio        exit 1 unless audio flows both ways (the default when media is on)
  --no-expect-audio     report the media, but let the exit status depend on the signalling only`;
}

export function mediaOptionNames(command: 'call' | 'listen'): { values: string[]; flags: string[] } {
  return { values: ['--media', '--play', '--record'], flags: ['--expect-audio', '--no-expect-audio', ...(command === 'listen' ? ['--echo'] : [])] };
}
