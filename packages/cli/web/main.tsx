/**
 * The agentchart studio's page: the run list, a run's chart and timeline, and actors watched
 * through the XState inspector protocol. Everything it loads comes from the studio's own server.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { StudioNotice } from '../src/studio/types';
import { InspectorView } from './inspector-view';
import { RunList } from './run-list';
import { RunView } from './run-view';

type Route = { page: 'runs'; threadId?: string } | { page: 'inspector' };

function routeOf(hash: string): Route {
  if (hash.startsWith('#/inspector')) return { page: 'inspector' };
  const match = /^#\/runs\/(.+)$/.exec(hash);
  return match ? { page: 'runs', threadId: decodeURIComponent(match[1]!) } : { page: 'runs' };
}

function App() {
  const [route, setRoute] = useState(routeOf(location.hash));
  const [runsVersion, setRunsVersion] = useState(0);
  const [inspectorVersion, setInspectorVersion] = useState(0);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    // Live updates: the server says when runs advance or inspected actors send messages.
    const events = new EventSource('/api/events');
    events.onopen = () => setLive(true);
    events.onerror = () => setLive(false);
    events.onmessage = (message) => {
      const notice = JSON.parse(message.data) as StudioNotice;
      if (notice.type === 'runs') setRunsVersion((version) => version + 1);
      else setInspectorVersion((version) => version + 1);
    };
    return () => events.close();
  }, []);

  const select = (threadId: string) => {
    location.hash = `#/runs/${encodeURIComponent(threadId)}`;
  };

  return (
    <div class="app">
      <nav class="topbar">
        <strong>agentchart studio</strong>
        <a href="#/" class={route.page === 'runs' ? 'is-current' : ''}>
          Runs
        </a>
        <a
          href="#/inspector"
          class={route.page === 'inspector' ? 'is-current' : ''}
          data-testid="nav-inspector"
        >
          Inspector
        </a>
        <span class={`live ${live ? 'is-live' : ''}`} data-testid="live" title="live updates">
          {live ? '● live' : '○ offline'}
        </span>
      </nav>
      {route.page === 'inspector' ? (
        <InspectorView refresh={inspectorVersion} />
      ) : (
        <div class="runs-page">
          <RunList selected={route.threadId} onSelect={select} refresh={runsVersion} />
          <main class="main">
            {route.threadId ? (
              <RunView threadId={route.threadId} refresh={runsVersion} />
            ) : (
              <p class="muted empty">
                Select a run to see its chart, its steps and where the money and the time went.
              </p>
            )}
          </main>
        </div>
      )}
    </div>
  );
}

render(<App />, document.getElementById('app')!);
