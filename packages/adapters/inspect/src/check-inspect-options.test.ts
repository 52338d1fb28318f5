import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentInspector } from './create-agent-inspector';
import { recordInspection } from './record-inspection';
import { startInspectorRelay } from './start-inspector-relay';
import { webSocketSink } from './websocket-sink';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-inspect-options-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const invalid = (message: RegExp) =>
  expect.objectContaining({
    code: 'definition.invalid_option',
    message: expect.stringMatching(message),
  });

describe('inspector options', () => {
  it('refuses relay options that exposed runs to the network, injected HTML or lifted every limit', async () => {
    // Each was taken: '' listened on every interface; the URL went into the page's HTML as
    // given; NaN removed the buffer and client limits; 0 clients refused everyone.
    const refused: [object, RegExp][] = [
      [{ host: '' }, /host is an empty string\. Give the interface to listen on/],
      [
        { inspectorUrl: '"><script>alert(1)</script>' },
        /inspectorUrl is the string .*Give an http\(s\) URL/,
      ],
      [
        { inspectorUrl: 'javascript:alert(1)' },
        /inspectorUrl is the string "javascript:alert\(1\)"/,
      ],
      [{ bufferSize: Number.NaN }, /bufferSize is NaN/],
      [{ maxClients: 0 }, /maxClients is 0/],
      [{ maxUnreadBytes: -1 }, /maxUnreadBytes is -1/],
      [{ port: '0' }, /port is the string "0"/],
      [{ allowedOrigins: 'http://localhost:5173' }, /allowedOrigins is the string/],
      [
        { allowedOrigins: ['localhost:5173'] },
        /allowedOrigins has the string "localhost:5173", which is not an origin/,
      ],
    ];
    for (const [options, message] of refused) {
      await expect(startInspectorRelay({ port: 0, ...options } as never)).rejects.toThrow(
        invalid(message),
      );
    }
  });

  it("encodes the inspector URL in the relay's page", async () => {
    const relay = await startInspectorRelay({
      port: 0,
      inspectorUrl: 'https://example.test/a?b="><i>',
    });
    try {
      const page = await (await fetch(relay.url.replace('ws://', 'http://'))).text();
      expect(page).toContain('src="https://example.test/a?b=%22%3E%3Ci%3E"');
      expect(page).not.toContain('"><i>');
    } finally {
      await relay.close();
    }
  });

  it('refuses sinks and callbacks that threw uncaught from a timer, and a captureContent string', () => {
    // `record: {}` threw "sink.send is not a function" on every message, uncaught; 'false'
    // is truthy, so prompts went into the facts.
    const refused: [object, RegExp][] = [
      [{ url: false, record: {} }, /record is an object\. Give a sink/],
      [{ url: false, record: [null] }, /record\[0\] is null/],
      [{ url: false, onMessage: 42 }, /onMessage is the number 42/],
      [
        { url: false, captureContent: 'false' },
        /captureContent is the string "false"\. Give true or false/,
      ],
      [
        { url: '127.0.0.1:8080' },
        /url is the string "127\.0\.0\.1:8080"\. Give a ws:\/\/ or wss:\/\/ URL/,
      ],
    ];
    for (const [options, message] of refused) {
      expect(() => createAgentInspector(options as never)).toThrow(invalid(message));
    }
  });

  it('refuses a sink that sent nothing, reconnected in a storm or buffered without bound', () => {
    const refused: [object, RegExp][] = [
      [{ maxUnsentBytes: Number.NaN }, /maxUnsentBytes is NaN/],
      [{ retryMs: 0 }, /retryMs is 0/],
      [{ maxBuffered: 0 }, /maxBuffered is 0/],
      [{ retryMS: 5 }, /retryMS is not an option; did you mean retryMs\?/],
      [{ url: '' }, /url is an empty string/],
    ];
    for (const [options, message] of refused) {
      expect(() => webSocketSink(options as never)).toThrow(invalid(message));
    }
  });

  it('refuses a recording file that would drop every message until close()', () => {
    expect(() => recordInspection({ file: '' })).toThrow(invalid(/file is an empty string/));
    expect(() => recordInspection({ file: dir })).toThrow(invalid(/is a directory/));
    expect(() => recordInspection({ file: join(dir, 'missing', 'x.jsonl') })).toThrow(
      invalid(/the folder of .* does not exist/),
    );
  });
});
