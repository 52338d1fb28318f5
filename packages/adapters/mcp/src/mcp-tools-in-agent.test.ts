import { createAgent, toolCall, toolLoop } from '@agentchart/core';
import { runEffect, scriptedModel } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { isRunning, stdioTestServer } from '../test/fixtures/test-servers';
import { connectMcpServer } from './connect-mcp-server';
import type { McpConnection } from './types';

describe('MCP tools in an agent', () => {
  const server = stdioTestServer();
  let mcp: McpConnection;
  beforeAll(async () => {
    mcp = await connectMcpServer({
      transport: server.transport,
      include: ['echo', 'fail', 'stats'],
      effects: { echo: 'pure', stats: 'pure' },
    });
  });
  afterAll(async () => {
    const pid = server.pid();
    await mcp?.close();
    expect(isRunning(pid)).toBe(false);
    server.remove();
  });

  it('runs a tool loop whose model calls MCP tools end to end', async () => {
    const machine = setup({
      types: {
        input: {} as { question: string },
        context: {} as { question: string; answer?: string },
      },
      actors: {
        research: toolLoop({
          model: 'fast',
          tools: mcp.tools,
          prompt: (question: string) => question,
        }),
      },
    }).createMachine({
      context: ({ input }) => ({ question: input.question }),
      initial: 'researching',
      states: {
        researching: {
          invoke: {
            src: 'research',
            input: ({ context }) => context.question,
            onDone: {
              target: 'answered',
              actions: assign({ answer: ({ event }) => event.output.content }),
            },
          },
        },
        answered: { type: 'final' },
      },
      output: ({ context }) => ({ answer: context.answer }),
    });
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            { name: 'echo', arguments: { text: 'hey', times: 2 } },
            // Invalid: back to the model with the issue, never sent to the server.
            { name: 'echo', arguments: { text: '' } },
          ],
        },
        { toolCalls: [{ name: 'fail', arguments: {} }] },
        'The server said heyhey; writing to /data failed.',
      ],
    });
    const agent = createAgent({ machine, models: { fast: model } });
    const handle = agent.start({ input: { question: 'Echo hey twice, then write.' } });
    // `fail` is unsafe (the default) and echo's output is in the conversation: it waits for
    // a person's approval of its exact arguments.
    expect(await handle.result()).toMatchObject({
      status: 'waiting',
      waits: [{ approval: { tool: 'fail', arguments: {} } }],
    });
    handle.reply({ approved: true });
    const outcome = await handle.result();

    expect(outcome).toMatchObject({
      status: 'done',
      output: { answer: 'The server said heyhey; writing to /data failed.' },
    });
    const [first, second, third] = model.requests;
    expect(first!.tools?.find((tool) => tool.name === 'echo')?.parameters).toEqual(
      mcp.tools.find((tool) => tool.name === 'echo')?.parameters,
    );
    // Tool output reaches the model fenced as untrusted data: the lines between the fences.
    const results = (request: typeof second) =>
      request!.messages
        .filter((message) => message.role === 'tool')
        .map((message) => message.content.split('\n').slice(1, -1).join('\n'));
    const [echoed, invalid] = results(second);
    expect(JSON.parse(echoed!)).toMatchObject({
      content: [{ type: 'text', text: 'heyhey' }],
      structuredContent: { echoed: 'heyhey' },
    });
    expect(invalid).toContain('Invalid arguments for \\"echo\\"');
    expect(results(third).at(-1)).toContain('disk quota exceeded on /data');

    const { output } = await runEffect(
      toolCall(mcp.tools.find((tool) => tool.name === 'stats')!),
      {},
    );
    const stats = JSON.parse((output as { content: { text: string }[] }).content[0]!.text);
    expect(stats.calls).toBe(2);
  });
});
