import { describe, expect, it } from 'vitest';
import { isHostAllowed, parseHostAllowlist } from './host-allowlist';

describe('parseHostAllowlist', () => {
  it('normalizes names and reads ports and wildcards', () => {
    expect(
      parseHostAllowlist('t', [
        'API.Example.com.',
        'a.example.com:8443',
        '*.example.org',
        '*',
        '[::1]:8080',
        '*:*',
      ]),
    ).toEqual([
      { entry: 'API.Example.com.', match: 'exact', host: 'api.example.com', port: undefined },
      { entry: 'a.example.com:8443', match: 'exact', host: 'a.example.com', port: 8443 },
      { entry: '*.example.org', match: 'subdomains', host: 'example.org', port: undefined },
      { entry: '*', match: 'any', host: '*', port: undefined },
      { entry: '[::1]:8080', match: 'exact', host: '[::1]', port: 8080 },
      { entry: '*:*', match: 'any', host: '*', port: '*' },
    ]);
  });

  it('refuses an empty list and entries that are not hosts', () => {
    expect(() => parseHostAllowlist('httpTool', [])).toThrow('httpTool: allowedHosts is empty');
    for (const entry of [
      'https://example.com',
      'example.com/path',
      'user@example.com',
      'a b',
      'example.com:0',
      'example.com:70000',
      '*.*.com',
      '',
    ]) {
      expect(() => parseHostAllowlist('httpTool', [entry])).toThrow(
        `httpTool: allowedHosts entry ${JSON.stringify(entry)}`,
      );
    }
  });
});

describe('isHostAllowed', () => {
  const rules = parseHostAllowlist('t', [
    'api.example.com',
    '*.example.org',
    'db.example.net:5984',
  ]);

  it('allows listed hosts on the standard ports, or the one port an entry names', () => {
    expect(isHostAllowed(rules, 'api.example.com', 443)).toBe(true);
    expect(isHostAllowed(rules, 'api.example.com', 80)).toBe(true);
    expect(isHostAllowed(rules, 'api.example.com', 8080)).toBe(false);
    expect(isHostAllowed(rules, 'db.example.net', 5984)).toBe(true);
    expect(isHostAllowed(rules, 'db.example.net', 443)).toBe(false);
  });

  it('matches subdomains only below the wildcard, never look-alikes', () => {
    expect(isHostAllowed(rules, 'a.example.org', 443)).toBe(true);
    expect(isHostAllowed(rules, 'a.b.example.org', 443)).toBe(true);
    expect(isHostAllowed(rules, 'example.org', 443)).toBe(false);
    expect(isHostAllowed(rules, 'evilexample.org', 443)).toBe(false);
    expect(isHostAllowed(rules, 'api.example.com.evil.com', 443)).toBe(false);
    expect(isHostAllowed(rules, 'xapi.example.com', 443)).toBe(false);
  });
});
