import { describe, expect, it } from 'vitest';
import { summariseErrorText } from './summarise-error-text';

const gateway =
  '502 <html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

describe('summariseErrorText', () => {
  it("turns a gateway's HTML page into its title and a note, on one line", () => {
    expect(summariseErrorText(gateway)).toBe(
      `502 Bad Gateway (an HTML page of ${gateway.length - '502 '.length} characters, not the API's JSON: a proxy or gateway in front of the endpoint answered)`,
    );
  });

  it('falls back to the first heading, then to the text of the page', () => {
    expect(
      summariseErrorText('<html><body><h1>Service &amp; Co unavailable</h1></body></html>'),
    ).toMatch(/^Service & Co unavailable \(an HTML page/);
    expect(
      summariseErrorText(
        '<!DOCTYPE html><html><style>p{x:1}</style><p>Please\n sign in</p></html>',
      ),
    ).toMatch(/^Please sign in \(an HTML page/);
  });

  it('keeps what came before the page when the title does not repeat it', () => {
    expect(summariseErrorText('503 <html><title>Maintenance</title></html>')).toMatch(
      /^503 Maintenance \(an HTML page/,
    );
  });

  it('folds the lines of any other text and caps its length', () => {
    expect(summariseErrorText('upstream\nconnect error\r\n  reset')).toBe(
      'upstream connect error reset',
    );
    const long = summariseErrorText('x'.repeat(1_000), 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });

  it('leaves JSON-looking messages with angle brackets alone', () => {
    expect(summariseErrorText('Invalid value for "a<b>": expected number')).toBe(
      'Invalid value for "a<b>": expected number',
    );
  });
});
