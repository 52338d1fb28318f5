import { DefinitionError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { checkDefinitionsSize } from './check-definitions-size';
import type { ListedTool } from './select-tools';

const tool = (name: string, description = ''): ListedTool => ({
  name,
  description,
  inputSchema: { type: 'object' },
});

describe('checkDefinitionsSize', () => {
  it('accepts tools whose definitions fit together', () => {
    const tools = [tool('a', 'x'.repeat(100)), tool('b')];
    expect(() =>
      checkDefinitionsSize('s', tools, { names: ['a', 'b'], descriptions: {}, maxBytes: 1_000 }),
    ).not.toThrow();
  });

  it('measures server tools named like Object methods by their own descriptions', () => {
    // Before: descriptions['toString'] was Object's method, and measuring it threw a raw
    // TypeError, so connecting to a server with such a tool failed.
    const tools = ['toString', 'constructor', '__proto__', 'hasOwnProperty'].map((name) =>
      tool(name, 'd'),
    );
    expect(() =>
      checkDefinitionsSize('s', tools, {
        names: tools.map((listed) => listed.name),
        descriptions: {},
        maxBytes: 10_000,
      }),
    ).not.toThrow();
  });

  it('refuses a huge description, naming the tool and the option', () => {
    const tools = [tool('small'), tool('huge', 'y'.repeat(1_000_000))];
    const check = () =>
      checkDefinitionsSize('docs', tools, {
        names: ['small', 'huge'],
        descriptions: {},
        maxBytes: 256 * 1024,
      });
    expect(check).toThrow(DefinitionError);
    expect(check).toThrow(
      /the 2 chosen tools of MCP server "docs" take \d+ bytes .* over maxToolDefinitionsBytes \(262144\).* The largest: "huge" \(\d+ bytes, 1000000 of them its description\)/,
    );
  });

  it('refuses thousands of small tools that add up', () => {
    const tools = Array.from({ length: 5_000 }, (_, index) => tool(`t${index}`, 'z'.repeat(60)));
    expect(() =>
      checkDefinitionsSize('many', tools, {
        names: tools.map((listed) => listed.name),
        descriptions: {},
        maxBytes: 256 * 1024,
      }),
    ).toThrow(/the 5000 chosen tools/);
  });

  it('counts the description that replaces the server one', () => {
    const tools = [tool('huge', 'y'.repeat(10_000))];
    expect(() =>
      checkDefinitionsSize('s', tools, {
        names: ['huge'],
        descriptions: { huge: 'Short.' },
        maxBytes: 1_000,
      }),
    ).not.toThrow();
  });

  it('counts the description the model receives: the title in place of a blank one, or the default naming the server', () => {
    // Before: a blank description and a title of megabytes, or no description and a server
    // name of megabytes, were counted as nothing and sent with every model request.
    const titled: ListedTool = {
      name: 'titled',
      description: ' ',
      title: 't'.repeat(1_000_000),
      inputSchema: { type: 'object' },
    };
    const bare: ListedTool = { name: 'bare', inputSchema: { type: 'object' } };
    const check = (server: string, listed: ListedTool) => () =>
      checkDefinitionsSize(server, [listed], {
        names: [listed.name],
        descriptions: {},
        maxBytes: 256 * 1024,
      });
    expect(check('s', titled)).toThrow(/"titled" \(\d+ bytes, 1000000 of them its description\)/);
    expect(check('n'.repeat(1_000_000), bare)).toThrow(/"bare" \(\d+ bytes, 10000\d\d of them/);
  });
});
