// A kept-alive connection that waited long for its next request is not used again: a server closes idle
// connections too, and a request written on one just as the server closes it is reset unanswered (seen
// on a busy machine: set-ups made before a slow verifier process started, their connections reused later).
// The server below resets any connection on its second request, as one closing it at that moment would.
import net from 'node:net';
import { HttpClient, IDLE_SOCKET_MS } from '../../src/http/client';

const ANSWER = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}');

test('a request after the connection sat idle goes out on a new connection and is answered', async () => {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    let answered = false;
    socket.on('data', () => {
      if (answered) return void socket.resetAndDestroy();
      answered = true;
      socket.write(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const client = new HttpClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, timeoutMs: 5_000, concurrency: 1, obeysStop: false });
  try {
    expect((await client.send({ method: 'GET', path: '/projects' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2 * IDLE_SOCKET_MS));
    expect((await client.send({ method: 'GET', path: '/projects' })).status).toBe(200);
    expect(connections).toBe(2);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
