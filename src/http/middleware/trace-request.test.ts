import { describe, expect, it } from 'vitest';
import { urlPartsOf } from './trace-request.ts';

describe('server span URL parts', () => {
  it('reads scheme, host, port and path as the WHATWG URL parser does', () => {
    const urls = [
      'http://127.0.0.1:2024/runs/stream?stream_mode=values',
      'http://localhost/ok',
      'https://Example.COM:443/threads/a%2Fb/runs#frag',
      'http://[::1]:8080/threads',
      'http://[::1]/threads',
      'http://overseer:80',
      'https://overseer:8443?x=1',
      'http://user:secret@overseer:81/x',
      'http://overseer:/x',
    ];
    for (const url of urls) {
      const parsed = new URL(url);
      expect(urlPartsOf(url), url).toEqual({
        scheme: parsed.protocol.slice(0, -1),
        address: parsed.hostname,
        ...(parsed.port ? { port: Number(parsed.port) } : {}),
        path: parsed.pathname,
      });
    }
  });
});
