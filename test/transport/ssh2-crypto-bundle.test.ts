import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshFleet, type SshFleet } from '../../src/testing/index.js';
import { bins } from '../helpers/lwt-process.js';
import { tempDir } from '../helpers/processes.js';

/**
 * Counts, in the lwt process, the node:crypto calls that ssh2-crypto.ts takes over: the
 * random padding of each packet, and the X25519 key's SPKI DER export in each key exchange.
 */
const COUNTER = `
const crypto = require('node:crypto');
const counts = { smallFills: 0, refills: 0, x25519SpkiExports: 0 };
const fill = crypto.randomFillSync;
crypto.randomFillSync = function (buffer, offset, size) {
  if (size !== undefined && size <= 64) counts.smallFills++;
  else counts.refills++;
  return fill.apply(this, arguments);
};
const PublicKey = Object.getPrototypeOf(crypto.generateKeyPairSync('x25519').publicKey);
const exportKey = PublicKey.export;
PublicKey.export = function (options) {
  if (this.asymmetricKeyType === 'x25519' && options && options.type === 'spki' &&
      options.format === 'der') counts.x25519SpkiExports++;
  return exportKey.apply(this, arguments);
};
process.on('exit', () => require('node:fs').writeFileSync(process.env.LWT_TEST_COUNTS, JSON.stringify(counts)));
`;

describe.skipIf(!sshdAvailable())("the CLI bundle's ssh2 and ssh2-crypto.ts", () => {
  let fleet: SshFleet;
  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 1, firstAddress: 60 });
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  it("takes ssh2's padding from the pool and its X25519 export from the raw key", () => {
    const dir = tempDir();
    try {
      const counter = join(dir.path, 'counter.cjs');
      const counts = join(dir.path, 'counts.json');
      writeFileSync(counter, COUNTER);
      const result = spawnSync(
        process.execPath,
        [
          '--require',
          counter,
          bins.lwt,
          'exec',
          '-H',
          fleet.hostsFilePath,
          '-F',
          fleet.sshConfigPath,
          '--',
          'true',
        ],
        { encoding: 'utf8', input: '', env: { ...process.env, LWT_TEST_COUNTS: counts } },
      );
      expect(result.status, result.stderr).toBe(0);
      // Without ssh2-crypto.ts in the bundle, ssh2 asks node:crypto for every packet's
      // padding (a dozen here) and exports its X25519 key through OpenSSL's encoder.
      expect(JSON.parse(readFileSync(counts, 'utf8'))).toEqual({
        smallFills: 0,
        refills: expect.any(Number) as number,
        x25519SpkiExports: 0,
      });
    } finally {
      dir.remove();
    }
  });
});
