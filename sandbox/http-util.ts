// Small response helpers and canned bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=UTF-8';

export interface Reply {
  status: number;
  body: string;
  type: string;
  headers?: Record<string, string>;
}

export const errorReply = (status: number, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify({ result: { status: 'error', message } }),
  type: JSON_TYPE,
  headers,
});

export const jsonReply = (value: unknown, status = 200): Reply => ({
  status,
  body: JSON.stringify(value),
  type: JSON_TYPE,
});

const page = (title: string, heading: string, text: string): string =>
  `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><center><h1>${heading}</h1></center>` +
  `<p>${text}</p><hr><center>cloudflare</center></body></html>\n`;

export const HTML_403 = page(
  'Attention Required! | Cloudflare',
  'Sorry, you have been blocked',
  'You are unable to access inventory-planner.com. The action you just performed triggered the security solution.',
);
export const HTML_502 = page(
  '502 Bad Gateway',
  '502 Bad Gateway',
  'Bad gateway: the origin web server returned an invalid response.',
);
export const HTML_503 = page(
  '503 Service Temporarily Unavailable',
  '503 Service Temporarily Unavailable',
  'The server is temporarily unable to service your request.',
);

/**
 * Writes a reply and returns the body bytes written. With `truncate`, the headers
 * announce the full length but only half the body is sent before the socket dies.
 */
export function send(res: ServerResponse, reply: Reply, truncate = false): number {
  const length = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, { 'Content-Type': reply.type, 'Content-Length': length, ...reply.headers });
  if (!truncate) {
    res.end(reply.body);
    return length;
  }
  const buf = Buffer.from(reply.body);
  const half = buf.subarray(0, Math.floor(buf.length / 2));
  res.write(half, () => res.socket?.destroy());
  return half.length;
}

export async function readBody(req: IncomingMessage, maxBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
