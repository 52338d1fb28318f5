import suite from './sentiment.eval';

export const first = suite;
export const second = { ...suite };
Object.defineProperty(second, Symbol.for('agentchart.evalSuite'), { value: true });
