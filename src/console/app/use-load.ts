import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api-client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Load something and keep it: on mount, when `keys` change, on `reload()`, and every
 * `refreshMs` when given (the inbox's live updates). A refresh keeps showing the last data.
 */
export function useLoad<T>(load: () => Promise<T>, keys: unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const latest = useRef(0);
  const run = useCallback(() => {
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState((previous) => ({ ...previous, loading: false, error: error instanceof ApiError ? error : new ApiError(0, 'CLIENT', String(error)) })),
    );
  }, keys);
  useEffect(() => {
    run();
    if (!refreshMs) return;
    const timer = setInterval(run, refreshMs);
    return () => clearInterval(timer);
  }, [run, refreshMs]);
  return { data: state.data, error: state.error, loading: state.loading, reload: run };
}
