import { Writable } from 'node:stream';

/** A stream that keeps what is written, for exact-content checks of reporters. */
export function captureStream(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}
