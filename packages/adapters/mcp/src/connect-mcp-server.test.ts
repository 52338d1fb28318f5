import { hash } from 'node:crypto';
import { createAgent, DefinitionError, RunError, toolCall, toolLoop } from '@agentchart/core';
import { manualClock, runEffect, scriptedModel } from '@agentchart/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { childrenRunning, isRunning, stdioTestServer } from '../test/fixtures/test-servers';
import { connectMcpServer } from './connect-mcp-server';
import { McpServerError } from './mcp-server-error';
import type { McpConnection, McpTool } from './types';

/** The tool named `name`, or a failed test. */
function toolNamed(connection: McpConnection, name: string): McpTool {
  const tool = connection.tools.find((candidate) => candidate.name === name);
  if (!tool)
    throw new Error(`no tool ${name} in ${connection.tools.map((t) => t.name).join(', ')}`);
  return tool;
}

/** The test server's counters, read through its `stats` tool. */
async function statsOf(connection: McpConnection) {
  const { output } = await runEffect(toolCall(toolNamed(connection, 'stats')), {});
  const { content } = output as { content: { text: string }[] };
  return JSON.parse(content[0]!.text) as { calls: number; cancelled: number; pid: number };
}

describe('connectMcpServer over stdio', () => {
  const server = stdioTestServer();
  let connection: McpConnection;
  beforeAll(async () => {
    connection = await connectMcpServer({
      transport: server.transport,
      effects: { echo: 'pure', stats: 'pure', slow: 'idempotent' },
      maxOutputBytes: 10_000,
    });
  });
  afterAll(async () => {
    await connection?.close();
    server.remove();
  });

  it('turns every listed tool into an agentchart tool with the server schema and provider-safe names', () => {
    expect(connection.server).toEqual({ name: 'test-server', version: '1.2.3' });
    expect(connection.tools.map((tool) => tool.name)).toEqual([
      'echo',
      'fail',
      'crash',
      'slow',
      'malformed',
      'big',
      'transfer',
      'order',
      'files_read',
      'stats',
    ]);
    expect(toolNamed(connection, 'echo').parameters).toEqual({
      type: 'object',
      properties: {
        text: { type: 'string', minLength: 1 },
        times: { type: 'integer', minimum: 1, maximum: 3, default: 1 },
      },
      required: ['text'],
      additionalProperties: false,
    });
    expect(toolNamed(connection, 'echo').description).toBe('Repeats a text.');
    expect(toolNamed(connection, 'files_read').description).toBe(
      'The "files.read" tool of MCP server "test-server".',
    );
  });

  it('declares the effects given and unsafe for every other tool', () => {
    const effects = Object.fromEntries(connection.tools.map((tool) => [tool.name, tool.effect]));
    expect(effects).toEqual({
      echo: 'pure',
      stats: 'pure',
      fail: 'unsafe',
      crash: 'unsafe',
      slow: 'idempotent',
      malformed: 'unsafe',
      big: 'unsafe',
      transfer: 'unsafe',
      order: 'unsafe',
      files_read: 'unsafe',
    });
  });

  it('calls the tool on the server and returns its content and structured result', async () => {
    const { output, error } = await runEffect(toolCall(toolNamed(connection, 'echo')), {
      text: 'ab',
      times: 2,
    });
    expect(error).toBeUndefined();
    expect(output).toEqual({
      content: [{ type: 'text', text: 'abab' }],
      structuredContent: { echoed: 'abab', idempotencyKey: expect.any(String) },
    });
  });

  it("sends the server a digest of the call's idempotency key, which names no thread", async () => {
    const threadId = 'acme:ticket-7';
    const machine = setup({
      actors: { echo: toolCall(toolNamed(connection, 'echo')) },
    }).createMachine({
      id: 'echoing',
      initial: 'echoing',
      states: {
        echoing: {
          invoke: {
            src: 'echo',
            input: { text: 'ab' },
            onDone: { target: 'done', actions: assign({ sent: ({ event }) => event.output }) },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => context,
    });
    const agent = createAgent({ machine });
    const outcome = await agent.run({ threadId, input: undefined });
    const output = outcome.status === 'done' ? outcome.output : undefined;
    const sent = (output as { sent: { structuredContent: { idempotencyKey: string } } }).sent
      .structuredContent.idempotencyKey;
    // Before: "acme:ticket-7:<the call's journal key>", the thread id of every tenant's call
    // handed to a server that may be anyone's.
    expect(sent).not.toContain('acme');
    const [call] = (await agent.journal(threadId)).filter((entry) => entry.kind === 'tool');
    // Still one key per call, the same from any process: a server can drop a repeat.
    expect(sent).toBe(hash('sha256', `${threadId}:${call!.key}`, 'hex'));
    await agent.close();
  });

  it('calls a tool under its server name when its agentchart name differs', async () => {
    const { output } = await runEffect(toolCall(toolNamed(connection, 'files_read')), {
      path: 'a.txt',
    });
    expect(output).toEqual({ content: [{ type: 'text', text: 'contents of a.txt' }] });
  });

  it('rejects invalid arguments before they reach the server', async () => {
    const before = await statsOf(connection);
    const echo = toolNamed(connection, 'echo');
    for (const input of [{ text: '' }, { text: 'a', times: 4 }, { text: 'a', extra: true }, {}]) {
      const { error } = await runEffect(toolCall(echo), input);
      expect(RunError.isInstance(error) && error.code).toBe('tool.invalid_arguments');
    }
    expect((await statsOf(connection)).calls).toBe(before.calls);
  });

  it('enforces a schema zod cannot convert through the JSON Schema validator', async () => {
    const transfer = toolNamed(connection, 'transfer');
    const refused = await runEffect(toolCall(transfer), { kind: 'pay' });
    expect(refused.error).toMatchObject({
      code: 'tool.invalid_arguments',
      issues: [expect.objectContaining({ message: expect.stringContaining('amount') })],
    });
    const paid = await runEffect(toolCall(transfer), { kind: 'pay', amount: 5 });
    expect(paid.output).toEqual({ content: [{ type: 'text', text: 'pay 5' }] });
    const checked = await runEffect(toolCall(transfer), { kind: 'check' });
    expect(checked.output).toEqual({ content: [{ type: 'text', text: 'check' }] });
  });

  it('enforces dependentRequired, prefixItems and unevaluatedProperties of a 2020-12 schema before the server (issue h5-1)', async () => {
    const before = await statsOf(connection);
    const order = toolNamed(connection, 'order');
    const card = '4111111111111111';
    for (const input of [
      { card },
      { line: ['sku', 'two'] },
      { card, cvv: '123', coupon: 'FREE' },
    ]) {
      const { error } = await runEffect(toolCall(order), input);
      expect(RunError.isInstance(error) && error.code).toBe('tool.invalid_arguments');
    }
    expect((await statsOf(connection)).calls).toBe(before.calls);
    const { output } = await runEffect(toolCall(order), { card, cvv: '123', line: ['sku', 2] });
    expect(output).toEqual({
      content: [{ type: 'text', text: JSON.stringify({ card, cvv: '123', line: ['sku', 2] }) }],
    });
  });

  it('fails with mcp.tool_error carrying the server text when the result is an error', async () => {
    const { error } = await runEffect(toolCall(toolNamed(connection, 'fail')), {});
    expect(error).toMatchObject({
      code: 'tool.failed',
      message: expect.stringContaining('disk quota exceeded on /data'),
    });
    expect(McpServerError.isInstance(error.cause) && error.cause.code).toBe('mcp.tool_error');
  });

  it('fails with mcp.output_too_large over maxOutputBytes', async () => {
    const big = toolNamed(connection, 'big');
    expect((await runEffect(toolCall(big), { length: 9_000 })).error).toBeUndefined();
    const { error } = await runEffect(toolCall(big), { length: 10_000 });
    expect(error.cause).toMatchObject({ code: 'mcp.output_too_large' });
    expect(error.message).toContain('over maxOutputBytes (10000)');
  });

  it('cancels the request on the server when the tool times out', async () => {
    const slow = { ...toolNamed(connection, 'slow'), timeoutMs: 50 };
    const before = await statsOf(connection);
    const { error } = await runEffect(toolCall(slow), {});
    expect(error).toMatchObject({ code: 'tool.timeout' });
    await expect.poll(async () => (await statsOf(connection)).cancelled).toBe(before.cancelled + 1);
  });
});

describe('connectMcpServer timeouts', () => {
  const server = stdioTestServer();
  afterAll(() => server.remove());

  it('makes an unsafe call ambiguous with mcp.timeout when nothing else times the call', async () => {
    // `slow` answers only when cancelled; a second is long enough for the `stats` call after
    // it on a loaded machine (at 100 ms it timed out in CI, and the test read no counters).
    await using connection = await connectMcpServer({
      transport: server.transport,
      timeoutMs: 1_000,
    });
    // A run clock that never moves: the harness's own tool timeout cannot fire.
    const { error } = await runEffect(
      toolCall(toolNamed(connection, 'slow')),
      {},
      {
        clock: manualClock(),
      },
    );
    // `slow` is unsafe here: unanswered, it may have acted.
    expect(error).toMatchObject({ code: 'effect.ambiguous' });
    expect(error.cause).toMatchObject({ code: 'mcp.timeout', details: { mayHaveRun: true } });
    expect((await statsOf(connection)).cancelled).toBe(1);
  });
});

describe('connectMcpServer lifecycle', () => {
  let server: ReturnType<typeof stdioTestServer>;
  const open: McpConnection[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    server.remove();
  });
  const connect = async (options: Partial<Parameters<typeof connectMcpServer>[0]> = {}) => {
    server = stdioTestServer();
    const connection = await connectMcpServer({ transport: server.transport, ...options });
    open.push(connection);
    return connection;
  };

  /** A connection a test expected to be refused, closed after the test like any other. */
  const keepOpen = (connection: McpConnection) => {
    open.push(connection);
    return connection;
  };

  /** Each of `refused` fails as a definition error matching its message, starting nothing. */
  const expectRefused = async (refused: [object, RegExp][]) => {
    for (const [options, message] of refused) {
      const error = await connectMcpServer(options as never).then(
        keepOpen,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringMatching(message),
      });
    }
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  };

  it('stops the server process on close, and later calls fail with mcp.closed', async () => {
    const connection = await connect({ include: ['echo'] });
    const pid = server.pid();
    expect(isRunning(pid)).toBe(true);
    await connection.close();
    expect(connection.status).toBe('closed');
    expect(isRunning(pid)).toBe(false);
    const { error } = await runEffect(toolCall(connection.tools[0]!), { text: 'a' });
    expect(error.cause).toMatchObject({ code: 'mcp.closed' });
    await connection.close();
  });

  it('closes at the end of an await using scope', async () => {
    server = stdioTestServer();
    {
      await using connection = await connectMcpServer({ transport: server.transport });
      expect(connection.status).toBe('open');
    }
    expect(isRunning(server.pid())).toBe(false);
  });

  it('makes an unsafe call whose server crashes mid-call ambiguous, and fails every later call', async () => {
    const stderr: string[] = [];
    server = stdioTestServer();
    const connection = await connectMcpServer({
      transport: { ...server.transport, onStderr: (text) => stderr.push(text) },
    });
    open.push(connection);
    const pid = server.pid();
    const crashed = await runEffect(toolCall(toolNamed(connection, 'crash')), {});
    expect(crashed.error).toMatchObject({
      code: 'effect.ambiguous',
      message: expect.stringContaining('may or may not have acted'),
    });
    expect(McpServerError.isInstance(crashed.error.cause)).toBe(true);
    expect(crashed.error.cause).toMatchObject({
      code: 'mcp.connection_lost',
      details: {
        server: 'test-server',
        tool: 'crash',
        stderr: 'crashing on purpose',
        mayHaveRun: true,
      },
    });
    expect(connection.status).toBe('lost');
    expect(isRunning(pid)).toBe(false);
    expect(stderr.join('')).toBe('crashing on purpose\n');
    const after = await runEffect(toolCall(toolNamed(connection, 'echo')), { text: 'a' });
    expect(after.error).toMatchObject({ code: 'tool.failed' });
    expect(after.error.cause).toMatchObject({
      code: 'mcp.connection_lost',
      message: expect.stringContaining('the call was not sent'),
      details: { mayHaveRun: false },
    });
  });

  it('fails an idempotent call whose server crashes mid-call with mcp.connection_lost', async () => {
    const connection = await connect({ effects: { crash: 'idempotent' } });
    const { error } = await runEffect(toolCall(toolNamed(connection, 'crash')), {});
    expect(error).toMatchObject({ code: 'tool.failed' });
    expect(error.cause).toMatchObject({
      code: 'mcp.connection_lost',
      details: { mayHaveRun: true },
    });
  });

  it('exposes only the included tools under the prefix', async () => {
    const connection = await connect({ include: ['echo', 'files.read'], prefix: 'test_' });
    expect(connection.tools.map((tool) => tool.name)).toEqual(['test_echo', 'test_files_read']);
  });

  it('replaces a server description with the one given', async () => {
    const connection = await connect({
      include: ['echo'],
      descriptions: { echo: 'Say it again.' },
    });
    expect(connection.tools[0]!.description).toBe('Say it again.');
  });

  it('refuses effects for a tool the server does not have, and leaves no process behind', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: server.transport,
      effects: { ecoh: 'pure' },
    }).catch((caught: unknown) => caught);
    expect(DefinitionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('effects names "ecoh"');
    expect(isRunning(server.pid())).toBe(false);
  });

  it('refuses chosen tools over maxToolDefinitionsBytes, naming them, and leaves no process behind', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: server.transport,
      include: ['echo', 'fail'],
      maxToolDefinitionsBytes: 200,
    }).then(keepOpen, (caught: unknown) => caught);
    expect(DefinitionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringMatching(
        /the 2 chosen tools of MCP server "test-server" take \d+ bytes .*over maxToolDefinitionsBytes \(200\).*The largest: "echo"/,
      ),
    });
    expect(isRunning(server.pid())).toBe(false);
  });

  it('refuses a misspelt include before starting the server, instead of exposing every tool', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: server.transport,
      includes: ['echo'],
    } as never).then(keepOpen, (caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining('includes is not an option; did you mean include?'),
    });
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  });

  it('refuses a misspelt transport option, naming the one meant', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: { ...server.transport, envs: { TOKEN: 'x' } } as never,
    }).then(keepOpen, (caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'definition.invalid_option',
      message: expect.stringContaining(
        'transport.envs is not an option; did you mean transport.env?',
      ),
    });
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  });

  it('refuses env, headers and descriptions that are not text: an unset variable reached the server as "undefined"', async () => {
    server = stdioTestServer();
    const refused: [object, RegExp][] = [
      [
        { transport: { ...server.transport, env: { API_KEY: undefined } } },
        /transport\.env\.API_KEY is undefined\. Give text \(a variable read from process\.env that is not set/,
      ],
      [
        { transport: { ...server.transport, env: { PORT: 8080 } } },
        /transport\.env\.PORT is the number 8080/,
      ],
      [{ transport: { ...server.transport, env: 'A=1' } }, /transport\.env is the string "A=1"/],
      [
        { transport: { url: 'http://127.0.0.1:9/mcp', headers: { Authorization: undefined } } },
        /transport\.headers\.Authorization is undefined/,
      ],
      [
        { transport: server.transport, descriptions: { echo: 42 } },
        /descriptions\.echo is the number 42/,
      ],
    ];
    await expectRefused(refused);
  });

  it('refuses stdio options that threw uncaught or split into characters, and a timeout no timer keeps', async () => {
    server = stdioTestServer();
    // `onStderr: 42` threw uncaught at the server's first line on stderr; a string of args
    // became one argument per character; 2^31 ms failed the connection after 1 ms.
    const refused: [object, RegExp][] = [
      [
        { transport: { ...server.transport, onStderr: 42 } },
        /transport\.onStderr is the number 42/,
      ],
      [
        { transport: { ...server.transport, args: '--flag' } },
        /transport\.args is the string "--flag"\. Give the arguments as a list/,
      ],
      [{ transport: { ...server.transport, cwd: '' } }, /transport\.cwd is an empty string/],
      [
        { transport: server.transport, connectTimeoutMs: 2 ** 31 },
        /connectTimeoutMs is 2147483648\. Give at most 2147483647/,
      ],
      // `include: []` offered no tool; a string was read letter by letter.
      [{ transport: server.transport, include: [] }, /include is a list of 0\. Give the names/],
      [{ transport: server.transport, include: 'echo' }, /include is the string "echo"/],
      [{ transport: server.transport, prefix: 42 }, /prefix is the number 42/],
    ];
    await expectRefused(refused);
  });

  it('fails with mcp.connect_failed when the command is not an MCP server', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: { ...server.transport, args: [server.transport.args![0]!, 'nonsense'] },
    }).catch((caught: unknown) => caught);
    expect(McpServerError.isInstance(error) && error.code).toBe('mcp.connect_failed');
    expect((error as Error).message).toContain('usage: node mcp-test-server.ts stdio|http');
  });

  it('gives up on a server that never answers the handshake, and stops it', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: { ...server.transport, args: [server.transport.args![0]!, 'hang'] },
      connectTimeoutMs: 200,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      message: expect.stringContaining(
        'within connectTimeoutMs (200 ms): the deadline passed while starting the server and the handshake',
      ),
    });
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  });

  it('names the tool whose definition breaks the MCP schema, not the command, when the listing is refused (issue 9)', async () => {
    server = stdioTestServer();
    const error = await connectMcpServer({
      transport: { ...server.transport, args: [server.transport.args![0]!, 'stdio-bad-tool'] },
      include: ['echo'],
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'mcp.connect_failed',
      message: expect.stringMatching(
        /tools\/list answer breaks the MCP schema \(tool "lookup" at inputSchema\.type: .*\).*The server must fix/,
      ),
    });
    expect((error as Error).message).not.toContain('Check the command or URL');
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  });

  it('never reports an unsafe call whose too-large answer came back to the model, which would call it again (issue 9)', async () => {
    server = stdioTestServer();
    const connection = await connectMcpServer({
      transport: server.transport,
      include: ['big', 'stats'],
      effects: { stats: 'pure' },
      maxOutputBytes: 1_000,
    });
    try {
      const big = connection.tools.find((tool) => tool.name === 'big')!;
      const model = scriptedModel({
        responses: [
          { toolCalls: [{ name: 'big', arguments: { length: 5_000 } }] },
          // What a model told "ask for less" does: the same unsafe call again.
          { toolCalls: [{ name: 'big', arguments: { length: 500 } }] },
          'done',
        ],
      });
      const { error } = await runEffect(
        toolLoop({ model: 'm', tools: [big], prompt: () => 'Get the report.' }),
        undefined,
        { models: { m: model } },
      );
      expect(error).toMatchObject({
        code: 'tool.invalid_output',
        message: expect.stringContaining('(unsafe) ran on MCP server'),
      });
      expect(model.requests).toHaveLength(1);
      expect((await statsOf(connection)).calls).toBe(1);
    } finally {
      await connection.close();
    }
  });
});

describe('an unsafe MCP tool whose answer the client cannot read', () => {
  const server = stdioTestServer();
  afterAll(() => server.remove());

  it('goes to the chart as tool.invalid_output, never back to the model as "refused"', async () => {
    // Before: "MCP server refused the call": the tool had run, and the model called it again.
    const connection = await connectMcpServer({
      transport: server.transport,
      include: ['malformed', 'stats'],
      effects: { stats: 'pure' },
    });
    try {
      const malformed = connection.tools.find((tool) => tool.name === 'malformed')!;
      const model = scriptedModel({
        responses: [
          { toolCalls: [{ name: 'malformed', arguments: {} }] },
          { toolCalls: [{ name: 'malformed', arguments: {} }] },
          'done',
        ],
      });
      const { error } = await runEffect(
        toolLoop({ model: 'm', tools: [malformed], prompt: () => 'Send it.' }),
        undefined,
        { models: { m: model } },
      );
      expect(error).toMatchObject({
        code: 'tool.invalid_output',
        message: expect.stringContaining('its answer is not a tool result the protocol allows'),
      });
      expect(model.requests).toHaveLength(1);
      expect((await statsOf(connection)).calls).toBe(1);
    } finally {
      await connection.close();
    }
  });
});

describe('connectMcpServer on a server that lists its tools in pages', () => {
  const server = stdioTestServer();
  const transport = { ...server.transport, args: [server.transport.args![0]!, 'stdio-paged'] };
  afterAll(() => server.remove());

  it('holds the results of tools on every page to their output schema, not only the last page (paged listing)', async () => {
    await using connection = await connectMcpServer({
      transport,
      include: ['wrong_shape', 'no_structure', 'right_shape', 'echo'],
      effects: { wrong_shape: 'pure', no_structure: 'pure', right_shape: 'pure', echo: 'pure' },
    });
    expect(connection.tools.map((tool) => tool.name)).toEqual([
      'wrong_shape',
      'no_structure',
      'right_shape',
      'echo',
    ]);
    const wrong = await runEffect(toolCall(toolNamed(connection, 'wrong_shape')), {});
    expect(wrong.error).toMatchObject({ code: 'tool.failed' });
    expect(wrong.error.cause).toMatchObject({
      code: 'mcp.request_failed',
      message: expect.stringMatching(
        /^MCP tool "wrong_shape" of server "test-server" ran, but its answer breaks the tool's own output schema: .*must be integer/,
      ),
    });
    const bare = await runEffect(toolCall(toolNamed(connection, 'no_structure')), {});
    expect(bare.error.cause).toMatchObject({
      message: expect.stringContaining('returned no structured content'),
    });
    const right = await runEffect(toolCall(toolNamed(connection, 'right_shape')), {});
    expect(right.output).toMatchObject({ structuredContent: { count: 3 } });
  });
});

describe("connectMcpServer and the patterns in a server's schemas", () => {
  const server = stdioTestServer();
  const transport = {
    ...server.transport,
    args: [server.transport.args![0]!, 'stdio-patterns'],
  };
  afterAll(() => server.remove());

  it('checks a result against an output pattern that backtracks exponentially, with the typed result', async () => {
    await using connection = await connectMcpServer({
      transport,
      include: ['evil_result'],
      effects: { evil_result: 'pure' },
    });
    // The MCP client checks the result against the tool's outputSchema; with JavaScript's
    // RegExp this result takes minutes.
    const { error } = await runEffect(toolCall(connection.tools[0]!), {});
    expect(error).toMatchObject({ code: 'tool.failed' });
    expect(error.cause).toMatchObject({
      code: 'mcp.request_failed',
      message: expect.stringContaining('must match pattern "^(a+)+$"'),
    });
  });

  it('refuses a chosen tool whose pattern the linear-time engine cannot run, naming it and the pattern', async () => {
    for (const [tool, pattern] of [
      ['lookahead_result', '^(?!x)'],
      ['lookahead_input', '^(?=.*[0-9]).{8,}$'],
    ] as const) {
      const error = await connectMcpServer({ transport, include: [tool] }).then(
        async (connection) => {
          await connection.close();
          return connection;
        },
        (caught: unknown) => caught,
      );
      expect(DefinitionError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'definition.schema_not_convertible',
        message: expect.stringContaining(
          `MCP tool "${tool}" of server "test-server": its ${tool.endsWith('result') ? 'output' : 'input'} schema's pattern ${JSON.stringify(pattern)} uses a feature that cannot be matched in linear time`,
        ),
      });
    }
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  });

  it('connects when the tools with such patterns are left out', async () => {
    await using connection = await connectMcpServer({ transport, include: ['echo'] });
    expect(connection.tools.map((tool) => tool.name)).toEqual(['echo']);
  });
});

describe('connectMcpServer and tools that run only as MCP tasks', () => {
  const server = stdioTestServer();
  const transport = { ...server.transport, args: [server.transport.args![0]!, 'stdio-tasks'] };
  afterAll(() => server.remove());

  it('refuses a chosen tool whose taskSupport is required, which no call could run, and leaves no process behind', async () => {
    for (const include of [undefined, ['long_job']]) {
      const error = await connectMcpServer({ transport, ...(include ? { include } : {}) }).then(
        async (connection) => {
          await connection.close();
          return connection;
        },
        (caught: unknown) => caught,
      );
      expect(DefinitionError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringContaining(
          'MCP tool "long_job" of server "test-server" runs only as an MCP task',
        ),
      });
    }
    expect(childrenRunning('mcp-test-server.ts')).toEqual([]);
  });

  it('connects when that tool is left out', async () => {
    await using connection = await connectMcpServer({
      transport,
      include: ['echo'],
      effects: { echo: 'pure' },
    });
    const { output } = await runEffect(toolCall(connection.tools[0]!), { text: 'hi' });
    expect(output).toMatchObject({ structuredContent: { echoed: 'hi' } });
  });
});

describe('connectMcpServer and a server that refuses a call with a server error', () => {
  const server = stdioTestServer();
  const transport = { ...server.transport, args: [server.transport.args![0]!, 'stdio-busy'] };
  afterAll(() => server.remove());

  it('keeps a refusal coded -32000 a refusal, not a lost connection: the unsafe call did not run, and the next call works', async () => {
    await using connection = await connectMcpServer({
      transport,
      include: ['busy', 'echo'],
      effects: { echo: 'pure' },
    });
    const { error } = await runEffect(toolCall(toolNamed(connection, 'busy')), {});
    expect(error).toMatchObject({ code: 'tool.failed' });
    expect(error.cause).toMatchObject({
      code: 'mcp.request_failed',
      message: expect.stringContaining('rate limited, try again in a minute'),
      details: { mayHaveRun: false, rpcCode: -32000 },
    });
    expect(connection.status).toBe('open');
    const { output } = await runEffect(toolCall(toolNamed(connection, 'echo')), { text: 'hi' });
    expect(output).toMatchObject({ structuredContent: { echoed: 'hi' } });
  });
});
