import { DefinitionError } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { agentchartToolNames, type ListedTool, selectTools } from './select-tools';

const listed = (...names: string[]): ListedTool[] =>
  names.map((name) => ({ name, inputSchema: { type: 'object' } }));

describe('selectTools', () => {
  it('keeps every tool, or only the included ones in server order', () => {
    const tools = listed('a', 'b', 'c');
    expect(selectTools('s', tools, {}).map((tool) => tool.name)).toEqual(['a', 'b', 'c']);
    expect(selectTools('s', tools, { include: ['c', 'a'] }).map((tool) => tool.name)).toEqual([
      'a',
      'c',
    ]);
  });

  it('refuses a name the server does not have in include, effects or descriptions', () => {
    const tools = listed('read_file');
    for (const selection of [
      { include: ['raed_file'] },
      { effects: { raed_file: 'pure' } },
      { descriptions: { raed_file: 'x' } },
    ]) {
      expect(() => selectTools('files', tools, selection)).toThrow(
        /names "raed_file", which MCP server "files" does not have\. Its tools: read_file\./,
      );
    }
  });
});

describe('agentchartToolNames', () => {
  it('prefixes names and replaces characters providers refuse', () => {
    expect(agentchartToolNames('s', listed('files.read', 'a/b c', 'ok-1'), 'gh_')).toEqual([
      'gh_files_read',
      'gh_a_b_c',
      'gh_ok-1',
    ]);
  });

  it('refuses two tools that end up with one name, and names over 64 characters', () => {
    expect(() => agentchartToolNames('s', listed('a.b', 'a_b'), '')).toThrow(
      /"a.b" and "a_b" of server "s" would both be named "a_b"/,
    );
    expect(() => agentchartToolNames('s', listed('x'.repeat(60)), 'prefix_')).toThrow(
      DefinitionError,
    );
    expect(() => agentchartToolNames('s', listed('a'), 'bad prefix')).toThrow(/prefix/);
  });
});
