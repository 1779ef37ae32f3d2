// A plain node:net HTTP/1.1 server for tests of the wire: no HTTP library between it and the socket.
import net from 'node:net';

export interface RawServer {
  port: number;
  /** Every request received, as bytes (head and body, split where the head ends). */
  requests: Buffer[];
  connections: number;
  close(): Promise<void>;
}

/**
 * Reads requests framed by Content-Length (none: no body) and answers the n-th (from 0) with `answer(n)`,
 * or never (undefined).
 */
export async function startRawServer(answer: Buffer | ((n: number) => Buffer) | undefined): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const server: RawServer = { port: 0, requests: [], connections: 0, close: async () => undefined };
  const tcp = net.createServer((socket) => {
    server.connections += 1;
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        server.requests.push(pending.subarray(0, end + 4 + length));
        pending = pending.subarray(end + 4 + length);
        const n = server.requests.length - 1;
        if (answer) socket.write(typeof answer === 'function' ? answer(n) : answer);
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  server.port = (tcp.address() as net.AddressInfo).port;
  server.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      tcp.close(() => resolve());
    });
  return server;
}
