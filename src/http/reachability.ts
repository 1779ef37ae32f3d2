// Whether a server can be reached at all: a TCP connection to the host and port of a URL, bounded in
// time. The run asks this before its first request so that an unreachable target (refused, unknown
// host, a firewall that drops the connection) is reported within seconds, whatever --timeout says.
import net from 'node:net';
import { TransportError } from './client';

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

export function probeConnection(url: string, timeoutMs: number): Promise<void> {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port || (protocol === 'https:' ? 443 : 80)) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(`no connection within ${timeoutMs} ms (nothing answers at ${host}:${port || (protocol === 'https:' ? 443 : 80)})`, 'CONNECT_TIMEOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = error.code ?? 'ERROR';
      reject(new TransportError(CAUSES[code] ?? `${code}: ${error.message}`, code));
    });
  });
}
