import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { RunObserver } from './run-observer.ts';

/**
 * Several observers as one: each is told of every run; the run gets all their callbacks, and
 * the events they return when it settles, in order. Observers that are absent are skipped.
 * @example createRunManager({ ..., observer: combineRunObservers([createRunObserver(...), langsmithObserver]) });
 */
export function combineRunObservers(observers: Array<RunObserver | undefined>): RunObserver {
  const present = observers.filter((observer): observer is RunObserver => observer !== undefined);
  return {
    started(record) {
      const observations = present.map((observer) => observer.started(record));
      const callbacks = observations.flatMap((observation) => {
        const given = observation.callbacks;
        if (!given) return [];
        // Each observer hands over a list of handlers (a manager would hide them from the others).
        if (!Array.isArray(given)) throw new TypeError('combineRunObservers: an observer gave a callback manager, not a list of handlers');
        return given as BaseCallbackHandler[];
      });
      return {
        ...(callbacks.length > 0 ? { callbacks } : {}),
        async settled(outcome) {
          const events = [];
          for (const observation of observations) events.push(...(await observation.settled(outcome)));
          return events;
        },
      };
    },
  };
}
