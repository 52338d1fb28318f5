import type { ChatRequest } from '../../model/types';

/**
 * The request every case sends: a system prompt, a tool-call turn with its result, two tools
 * and an output cap, so the adapter converts each kind of message.
 */
export const conformanceRequest: ChatRequest = {
  messages: [
    { role: 'system', content: 'You answer questions about invoices.' },
    { role: 'user', content: 'When is INV-7 due?' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_0', name: 'lookup_invoice', arguments: '{"invoiceId":"INV-7"}' }],
    },
    { role: 'tool', toolCallId: 'call_0', name: 'lookup_invoice', content: '{"due":"3 March"}' },
    { role: 'user', content: 'And who is the customer?' },
  ],
  tools: [
    {
      name: 'lookup_invoice',
      description: 'Looks an invoice up.',
      parameters: {
        type: 'object',
        properties: {
          invoiceId: { type: 'string' },
          fields: { type: 'array', items: { type: 'string' } },
        },
        required: ['invoiceId'],
      },
    },
    {
      name: 'lookup_customer',
      description: 'Looks a customer up.',
      parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
  ],
  maxOutputTokens: 256,
};

/**
 * The suite's request after the model wrote a tool call whose arguments are not JSON: the
 * harness keeps the call in the history as the model wrote it and answers it with an error,
 * so the model can correct it. An adapter whose provider takes arguments as an object must
 * send it without parsing them blindly.
 */
export const requestAfterInvalidArguments: ChatRequest = {
  ...conformanceRequest,
  messages: [
    ...conformanceRequest.messages,
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_9', name: 'lookup_customer', arguments: '{"name": "Ada' }],
    },
    {
      role: 'tool',
      toolCallId: 'call_9',
      name: 'lookup_customer',
      content:
        '{"error":"Arguments for \\"lookup_customer\\" are not valid JSON (Unterminated string in JSON at position 13). Send a JSON object."}',
    },
  ],
};
