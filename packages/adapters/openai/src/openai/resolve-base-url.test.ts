import { DefinitionError } from '@agentchart/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAIChatModel } from './openai-chat-model';
import { redactCredentials, resolveBaseURL } from './resolve-base-url';

const secret = 'sk-secret-0123';
const withCredentials = `https://alice:${secret}@llm.example.com/v1`;

/** What `attempt` threw, or a failure when it threw nothing. */
function thrownBy(attempt: () => unknown): DefinitionError {
  try {
    attempt();
  } catch (error) {
    return error as DefinitionError;
  }
  throw new Error('expected a DefinitionError, nothing was thrown');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveBaseURL', () => {
  const resolve = (value: string) =>
    resolveBaseURL({ value, source: 'option baseURL', owner: 'openAIChatModel' });

  it('returns an http or https URL without its trailing slashes', () => {
    expect(resolve('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1');
    expect(resolve('http://localhost:11434/v1')).toBe('http://localhost:11434/v1');
  });

  it.each(['ftp://llm.example.com/v1', 'file:///var/run/llm.sock', 'ws://localhost:1234/v1'])(
    'refuses %s, which is not http or https (issue 9)',
    (value) => {
      const error = thrownBy(() => resolve(value));
      expect(error).toBeInstanceOf(DefinitionError);
      expect(error).toMatchObject({ code: 'definition.invalid_option' });
      expect(error.message).toMatch(
        /^openAIChatModel: option baseURL must be an http or https URL, got ".*" \([a-z]+:\)\. Give the endpoint's URL/,
      );
    },
  );

  it('refuses a URL with credentials, masking them in the message (issue 10)', () => {
    const error = thrownBy(() => resolve(withCredentials));
    expect(error).toMatchObject({ code: 'definition.invalid_option' });
    expect(error.message).toContain('"https://***@llm.example.com/v1"');
    expect(error.message).toContain('pass the key as option apiKey');
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('alice');
    expect(() => resolve('https://alice@llm.example.com/v1')).toThrow(/has credentials/);
  });

  it('masks credentials in a URL that does not parse', () => {
    const error = thrownBy(() => resolve(`https://alice:${secret}@llm example.com/v1`));
    expect(error.message).toMatch(/is not a URL: "https:\/\/\*\*\*@llm example\.com\/v1"/);
    expect(error.message).not.toContain(secret);
  });

  it('refuses a value that is not a string', () => {
    expect(() => resolve(42 as unknown as string)).toThrow(/must be a string URL, got number/);
  });
});

describe('redactCredentials', () => {
  it('masks user and password, and leaves a URL without them alone', () => {
    expect(redactCredentials(withCredentials)).toBe('https://***@llm.example.com/v1');
    expect(redactCredentials('https://llm.example.com/v1?a=b@c')).toBe(
      'https://llm.example.com/v1?a=b@c',
    );
  });
});

describe('openAIChatModel base URL checks', () => {
  it('refuses credentials in option baseURL: they reach no error and no endpoint name (issue 10)', () => {
    const error = thrownBy(() =>
      openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL: withCredentials }),
    );
    expect(error).toMatchObject({ code: 'definition.invalid_option' });
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(error.message).not.toContain(secret);
  });

  it('refuses credentials in OPENAI_BASE_URL, naming the variable (issue 10)', () => {
    vi.stubEnv('OPENAI_BASE_URL', withCredentials);
    const error = thrownBy(() => openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test' }));
    expect(error.message).toMatch(/^openAIChatModel: OPENAI_BASE_URL has credentials in it/);
    expect(error.message).not.toContain(secret);
  });

  it('refuses a base URL that is not http(s) when the model is defined (issue 9)', () => {
    expect(() =>
      openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL: 'ftp://host/v1' }),
    ).toThrow(/option baseURL must be an http or https URL, got "ftp:\/\/host\/v1" \(ftp:\)/);
  });

  it('names the endpoint after the checked URL', () => {
    const model = openAIChatModel({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:8080/v1/',
    });
    expect(model.endpoint).toBe('openai:http://127.0.0.1:8080/v1:gpt-4o-mini');
  });

  it('keeps a key given in the query out of the endpoint name, and reports it as a secret', () => {
    // Before: `?api_key=…` was accepted and the endpoint name — stored in the journal and the
    // run log's endpoint column, unredacted — carried the key.
    const key = 'sk-SECRET-in-query-123';
    const model = openAIChatModel({
      model: 'gpt-4o-mini',
      apiKey: 'sk-test',
      baseURL: `https://gateway.example.com/v1/?api-version=2024-06-01&api_key=${key}`,
    });
    expect(model.endpoint).toBe('openai:https://gateway.example.com/v1:gpt-4o-mini');
    expect(model.secrets).toEqual(['sk-test', key]);
    // As written and decoded: a review found `+` and lower-case escapes slipped through.
    const encoded = openAIChatModel({
      model: 'm',
      apiKey: 'sk-test',
      baseURL: 'https://gateway.example.com/v1?token=abc+defghijk%2blmnop%41',
    });
    expect(encoded.secrets).toEqual(['sk-test', 'abc+defghijk%2blmnop%41', 'abc defghijk+lmnopA']);
    vi.stubEnv('OPENAI_API_KEY', '');
    const missing = thrownBy(() =>
      openAIChatModel({ model: 'm', baseURL: `https://gateway.example.com/v1?token=${key}` }),
    );
    expect(missing.message).toContain('at https://gateway.example.com/v1.');
    expect(missing.message).not.toContain(key);
  });
});
