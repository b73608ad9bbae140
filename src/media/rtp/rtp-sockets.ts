// The UDP ports of a plain RTP session: an even port for RTP and the next
// one for RTCP (RFC 3550 §11: "RTP SHOULD use an even destination port
// number and the corresponding RTCP stream SHOULD use the next higher (odd)
// destination port number"). The same sockets send, so the peer sees our
// packets come from where it sends to (symmetric RTP, RFC 4961).
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';

/** Where RTP ports are taken from by default: above the lab's SIP and rtpengine blocks. */
export const DEFAULT_RTP_PORTS: readonly [number, number] = [40000, 49998];

export class RtpSockets {
  private constructor(readonly address: string, readonly port: number, readonly rtp: Socket, readonly rtcp: Socket) {}

  /** Binds an even/odd pair on `address`, trying random even ports in `range`. */
  static async bind(address: string, range: readonly [number, number] = DEFAULT_RTP_PORTS): Promise<RtpSockets> {
    const type = isIP(address) === 6 ? 'udp6' : 'udp4';
    const [min, max] = range;
    const evens = Math.max(1, Math.floor((max - min) / 2));
    let lastError: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = min + 2 * Math.floor(Math.random() * evens) + (min % 2);
      const rtp = createSocket(type);
      const rtcp = createSocket(type);
      try {
        await bindOne(rtp, address, port);
        await bindOne(rtcp, address, port + 1);
        // The call keeps the process alive, not its media sockets.
        rtp.unref();
        rtcp.unref();
        return new RtpSockets(address, port, rtp, rtcp);
      } catch (error) {
        lastError = error;
        rtp.close();
        rtcp.close();
      }
    }
    const reason = (lastError as NodeJS.ErrnoException | undefined)?.code ?? String(lastError);
    throw new Error(`no free RTP port pair on ${address} in ${min}-${max} (${reason})`);
  }

  close(): void {
    for (const socket of [this.rtp, this.rtcp]) {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
  }
}

function bindOne(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
