import { describe, expect, it } from 'vitest';
import { hostPatterns, renderClientConfig } from '../../src/testing/client-files.js';
import { loopbackAddress } from '../../src/testing/index.js';
import { renderSshdConfig } from '../../src/testing/sshd-config.js';

describe('fleet addresses and files', () => {
  it('numbers loopback addresses across /24 boundaries', () => {
    expect([2, 255, 256, 258].map(loopbackAddress)).toEqual([
      '127.0.0.2',
      '127.0.0.255',
      '127.0.1.0',
      '127.0.1.2',
    ]);
    expect(() => loopbackAddress(0)).toThrow(RangeError);
  });

  it('covers every address with one Host pattern per /24', () => {
    expect(hostPatterns(['127.0.0.2', '127.0.0.9', '127.0.1.3'])).toEqual([
      '127.0.0.*',
      '127.0.1.*',
    ]);
    const config = renderClientConfig({
      addresses: ['127.0.0.2', '127.0.1.3'],
      port: 40000,
      user: 'root',
      identityPath: '/k',
      knownHostsPath: '/kh',
    });
    expect(config).toContain('Host 127.0.0.* 127.0.1.*\n  Port 40000\n  User root\n');
    // Benchmarks compare tools at OpenSSH's defaults: nothing may force a key exchange.
    expect(config).not.toMatch(/KexAlgorithms|Ciphers/);
  });

  it('refuses logins not addressed to loopback', () => {
    const config = renderSshdConfig({
      port: 40000,
      hostKeyPath: '/h',
      pidFilePath: '/p',
      authorizedKeysPath: '/a',
    });
    expect(config).toContain('ListenAddress 0.0.0.0:40000\n');
    expect(config).toMatch(/Match LocalAddress \*,!127\.0\.0\.0\/8\n {2}DenyUsers \*\n/);
  });
});
