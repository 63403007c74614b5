// The EventEmitter half of the Deno response stream (response-stream-deno.ts): the methods that
// handlers and node:stream's pipe(), pipeline() and finished() call on a Writable, written here as
// the rest of that stream is, so that it loads no node: module.

type Listener = (...args: any[]) => void;

/** The EventEmitter methods that code handed a Writable calls. */
export class Emitter {
  readonly #events = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false);
  }
  addListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false);
  }
  prependListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, true);
  }
  once(event: string | symbol, listener: Listener): this {
    return this.#add(event, this.#onceWrapper(event, listener), false);
  }
  prependOnceListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, this.#onceWrapper(event, listener), true);
  }
  off(event: string | symbol, listener: Listener): this {
    return this.removeListener(event, listener);
  }
  removeListener(event: string | symbol, listener: Listener): this {
    const list = this.#events.get(event);
    if (!list) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      const l = list[i] as Listener & { listener?: Listener };
      if (l === listener || l.listener === listener) {
        list.splice(i, 1);
        break;
      }
    }
    return this;
  }
  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }
  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#events.get(event);
    if (!list || list.length === 0) {
      if (event === "error") throw args[0];
      return false;
    }
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }
  listenerCount(event: string | symbol): number {
    return this.#events.get(event)?.length ?? 0;
  }
  listeners(event: string | symbol): Listener[] {
    return (this.#events.get(event) ?? []).map((l) => (l as { listener?: Listener }).listener ?? l);
  }
  rawListeners(event: string | symbol): Listener[] {
    return [...(this.#events.get(event) ?? [])];
  }
  eventNames(): (string | symbol)[] {
    return [...this.#events.keys()].filter((e) => this.listenerCount(e) > 0);
  }
  setMaxListeners(_n: number): this {
    return this;
  }
  getMaxListeners(): number {
    return 10;
  }

  #add(event: string | symbol, listener: Listener, prepend: boolean): this {
    let list = this.#events.get(event);
    if (!list) {
      list = [];
      this.#events.set(event, list);
    }
    if (prepend) list.unshift(listener);
    else list.push(listener);
    return this;
  }

  #onceWrapper(event: string | symbol, listener: Listener): Listener {
    const wrapper = (...args: unknown[]) => {
      this.removeListener(event, wrapper);
      listener.apply(this, args);
    };
    (wrapper as { listener?: Listener }).listener = listener;
    return wrapper;
  }
}
