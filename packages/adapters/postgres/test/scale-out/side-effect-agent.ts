import {
  agentFactory,
  type ChatModel,
  createAgent,
  defineTool,
  structuredCall,
  toolCall,
} from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { scriptedModel } from '@agentchart/core/testing';
import type pg from 'pg';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/**
 * The agent the scale-out test and measurement run on several workers: one scripted model
 * call (with a fixed latency, as a real model has), then an `unsafe` tool whose side effect
 * is a row in its own table — the tool's own counter, read by the test to show each side
 * effect happened exactly once. Its reconcile hook reads that table, so a worker killed
 * between the side effect and its journal record leaves no ambiguity.
 */
export function sideEffectAgent(pool: pg.Pool, { modelLatencyMs }: { modelLatencyMs: number }) {
  const recordShipment = defineTool({
    name: 'record_shipment',
    description: 'Ships the order: an action in the world that must happen once.',
    effect: 'unsafe',
    input: z.object({ order: z.string() }),
    output: z.object({ shipmentId: z.string() }),
    async execute({ order }, { idempotencyKey, threadId }) {
      const { rows } = await pool.query<{ id: string }>(
        'INSERT INTO shipments (thread_id, order_id, effect_key, pid) VALUES ($1, $2, $3, $4) RETURNING id::text',
        [threadId, order, idempotencyKey, process.pid],
      );
      return { shipmentId: rows[0]!.id };
    },
    async reconcile(_input, { idempotencyKey }) {
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id::text FROM shipments WHERE effect_key = $1',
        [idempotencyKey],
      );
      return rows[0]
        ? { status: 'completed', output: { shipmentId: rows[0].id } }
        : { status: 'not_executed' };
    },
  });
  const machine = setup({
    types: {
      input: {} as { order: string },
      context: {} as { order: string; approved?: boolean; shipmentId?: string },
    },
    actors: {
      check: structuredCall({
        model: 'fast',
        schema: z.object({ approved: z.boolean() }),
        prompt: (order: string) => `May order ${order} ship?`,
      }),
      ship: toolCall(recordShipment),
    },
  }).createMachine({
    id: 'shipping',
    context: ({ input }) => ({ order: input.order }),
    initial: 'checking',
    states: {
      checking: {
        invoke: {
          src: 'check',
          input: ({ context }) => context.order,
          onDone: {
            target: 'shipping',
            actions: assign({ approved: ({ event }) => event.output.approved }),
          },
          onError: 'failed',
        },
      },
      shipping: {
        invoke: {
          src: 'ship',
          input: ({ context }) => ({ order: context.order }),
          onDone: {
            target: 'shipped',
            actions: assign({ shipmentId: ({ event }) => event.output.shipmentId }),
          },
          onError: 'failed',
        },
      },
      shipped: { type: 'final' },
      failed: { type: 'final' },
    },
    output: ({ context }) => ({ shipmentId: context.shipmentId }),
  });
  return agentFactory((host) =>
    createAgent({
      machine,
      models: {
        fast: recordingCalls(
          pool,
          scriptedModel({
            modelName: 'scripted-50ms',
            latencyMs: modelLatencyMs,
            handler: () => ({ json: { approved: true } }),
          }),
        ),
      },
      modelPolicy: singleAttemptPolicy,
      ...host,
    }),
  );
}

/** `model` with every call's order and process recorded in `model_calls` before it begins. */
function recordingCalls(pool: pg.Pool, model: ChatModel): ChatModel {
  return {
    ...model,
    async generate(request, options) {
      const prompt = request.messages.map((message) => String(message.content)).join('\n');
      const order = /May order (\S+) ship\?/.exec(prompt)?.[1] ?? 'unknown';
      await pool.query('INSERT INTO model_calls (order_id, pid) VALUES ($1, $2)', [
        order,
        process.pid,
      ]);
      return model.generate(request, options);
    },
  };
}

/**
 * The agent's own tables: `shipments`, one row per side effect (deliberately without a unique
 * key), and `model_calls`, one row per model call begun.
 */
export const agentTables = `CREATE TABLE IF NOT EXISTS shipments (
  id bigint GENERATED ALWAYS AS IDENTITY,
  thread_id text NOT NULL,
  order_id text NOT NULL,
  effect_key text NOT NULL,
  pid integer NOT NULL);
CREATE TABLE IF NOT EXISTS model_calls (order_id text NOT NULL, pid integer NOT NULL)`;
