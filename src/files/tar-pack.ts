/**
 * A minimal tar writer (POSIX ustar with pax headers for what ustar cannot hold): regular files
 * and symbolic links, which is all a put batch carries. Written here rather than taken from a
 * package because it is small, and because we need exact control of names, modes and mtimes.
 */

export type TarMember =
  | {
      readonly kind: 'file';
      readonly name: string;
      readonly mode: number;
      readonly mtimeSec: number;
      readonly data: Buffer;
    }
  | {
      readonly kind: 'symlink';
      readonly name: string;
      readonly mtimeSec: number;
      readonly target: string;
    };

const BLOCK = 512;

/** The tar archive of `members`, ending with the two zero blocks tar expects. */
export function packTar(members: readonly TarMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const member of members) {
    const target = member.kind === 'symlink' ? member.target : '';
    const pax: Record<string, string> = {};
    // ustar's name field holds 100 bytes (plus a 155-byte prefix we do not bother splitting
    // into), and it is bytes, not characters: anything longer goes into a pax record.
    if (Buffer.byteLength(member.name) > 100) pax.path = member.name;
    if (Buffer.byteLength(target) > 100) pax.linkpath = target;
    if (Object.keys(pax).length > 0) {
      const body = paxBody(pax);
      parts.push(header({ name: 'PaxHeader', mode: 0o644, size: body.length, type: 'x' }));
      parts.push(body, padding(body.length));
    }
    if (member.kind === 'file') {
      parts.push(
        header({
          name: member.name,
          mode: member.mode,
          size: member.data.length,
          mtimeSec: member.mtimeSec,
          type: '0',
        }),
        member.data,
        padding(member.data.length),
      );
    } else {
      parts.push(
        header({
          name: member.name,
          mode: 0o777,
          size: 0,
          mtimeSec: member.mtimeSec,
          type: '2',
          linkname: target,
        }),
      );
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  mtimeSec?: number;
  type: string;
  linkname?: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeText(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode & 0o7777);
  writeOctal(block, 108, 8, 0); // uid: extraction runs with --no-same-owner anyway
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, Math.max(0, Math.floor(fields.mtimeSec ?? 0)));
  block.fill(0x20, 148, 156); // the checksum field counts as spaces while summing
  block.write(fields.type, 156, 1, 'latin1');
  writeText(block, 157, 100, fields.linkname ?? '');
  block.write('ustar\u000000', 257, 8, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  writeOctal(block, 148, 7, sum);
  block[155] = 0x20;
  return block;
}

/** Each record is "<length> key=value\n", where the length counts its own digits. */
function paxBody(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    const restBytes = Buffer.byteLength(rest);
    let length = restBytes + String(restBytes).length;
    if (String(length).length !== String(restBytes).length) length++;
    return `${length}${rest}`;
  });
  return Buffer.from(lines.join(''));
}

function writeText(block: Buffer, offset: number, size: number, text: string): void {
  // Truncation is harmless: anything that does not fit also went into a pax record.
  Buffer.from(text).copy(block, offset, 0, size);
}

function writeOctal(block: Buffer, offset: number, size: number, value: number): void {
  const digits = value.toString(8).padStart(size - 1, '0');
  block.write(digits.slice(-(size - 1)), offset, size - 1, 'latin1');
  block[offset + size - 1] = 0;
}

function padding(length: number): Buffer {
  const rest = length % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}
